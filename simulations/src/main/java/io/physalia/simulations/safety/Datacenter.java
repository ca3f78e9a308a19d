package io.physalia.simulations.safety;

import io.physalia.controlplane.ColorPlan;
import io.physalia.controlplane.Fleet;
import io.physalia.simulations.SimulationOptions;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The datacenter the safety simulations run on: zones of rows of racks of nodes, power domains
 * that cut across racks and rows within a zone, and colors spread by {@link ColorPlan}.
 *
 * <p>Power: each rack is fed by two of its zone's power domains, its upper half of nodes by one
 * and its lower half by the next, and consecutive racks (counted across the zone's rows) step
 * through the domains. So a power domain holds pieces of many racks in several rows, a rack
 * spans two domains, and a row sees every domain of its zone once it has as many racks.
 *
 * <p>Names: zone {@code z1}, row {@code z1r1}, rack {@code z1r1k1}, node {@code z1r1k1n1}, power
 * domain {@code z1p1}; colors {@code c1}, {@code c2}, ...
 *
 * @param powerPerZone power domains in each zone
 * @param capacity replicas each node may hold
 */
public record Datacenter(int zones, int rowsPerZone, int racksPerRow, int nodesPerRack, int powerPerZone, int colors,
        int capacity) {

    /** Flags every safety simulation accepts for the datacenter, with their descriptions and defaults. */
    public static Map<String, String> parameters(Datacenter full, Datacenter quick) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("zones", "availability zones" + defaults(full.zones, quick.zones));
        p.put("rows", "rows per zone" + defaults(full.rowsPerZone, quick.rowsPerZone));
        p.put("racks", "racks per row" + defaults(full.racksPerRow, quick.racksPerRow));
        p.put("nodes-per-rack", "nodes per rack" + defaults(full.nodesPerRack, quick.nodesPerRack));
        p.put("power", "power domains per zone, each rack fed by two" + defaults(full.powerPerZone, quick.powerPerZone));
        p.put("colors", "node colors, spread over racks, rows and power domains" + defaults(full.colors, quick.colors));
        p.put("capacity", "replicas each node may hold" + defaults(full.capacity, quick.capacity));
        return p;
    }

    private static String defaults(int full, int quick) {
        return String.format(Locale.ROOT, " (default %,d; quick %,d)", full, quick);
    }

    /** Reads the datacenter flags, with {@code defaults} for those not given, and checks they can seat a cell. */
    public static Datacenter from(SimulationOptions o, Datacenter defaults) {
        Datacenter d = new Datacenter(
                o.intParam("zones", defaults.zones, 1, 100),
                o.intParam("rows", defaults.rowsPerZone, 1, 1_000),
                o.intParam("racks", defaults.racksPerRow, 3, 10_000),
                o.intParam("nodes-per-rack", defaults.nodesPerRack, 1, 1_000),
                o.intParam("power", defaults.powerPerZone, 3, 1_000),
                o.intParam("colors", defaults.colors, 1, 26),
                o.intParam("capacity", defaults.capacity, 1, 1_000_000));
        long nodes = (long) d.zones * d.rowsPerZone * d.racksPerRow * d.nodesPerRack;
        if (nodes > 1_000_000) {
            throw new IllegalArgumentException("--zones x --rows x --racks x --nodes-per-rack gives " + nodes
                    + " nodes; at most 1,000,000");
        }
        return d;
    }

    public int nodes() {
        return zones * rowsPerZone * racksPerRow * nodesPerRack;
    }

    public int rows() {
        return zones * rowsPerZone;
    }

    public int racks() {
        return rows() * racksPerRow;
    }

    public int powerDomains() {
        return zones * powerPerZone;
    }

    public List<String> colorNames() {
        List<String> out = new ArrayList<>();
        for (int c = 1; c <= colors; c++) {
            out.add("c" + c);
        }
        return out;
    }

    public Topology topology() {
        List<NodeTopology> nodes = new ArrayList<>(nodes());
        for (int z = 1; z <= zones; z++) {
            int rackInZone = 0;
            for (int r = 1; r <= rowsPerZone; r++) {
                String row = "z" + z + "r" + r;
                for (int k = 1; k <= racksPerRow; k++) {
                    String rack = row + "k" + k;
                    for (int n = 1; n <= nodesPerRack; n++) {
                        int feed = n <= (nodesPerRack + 1) / 2 ? 0 : 1;
                        String power = "z" + z + "p" + (1 + (rackInZone + feed) % powerPerZone);
                        nodes.add(new NodeTopology(rack + "n" + n, "z" + z, row, rack, power));
                    }
                    rackInZone++;
                }
            }
        }
        return Topology.of(nodes);
    }

    /** A fleet of every node, colored by {@link ColorPlan}, each with {@link #capacity} slots. */
    public Fleet fleet() {
        Topology t = topology();
        return Fleet.of(t, ColorPlan.assign(t, colorNames()), capacity);
    }

    /** One line for the result header. */
    public String describe() {
        return String.format(Locale.ROOT,
                "%,d nodes: %d zone(s) x %d rows x %d racks x %d nodes; %d power domains per zone (two per rack);"
                        + " %d colors; capacity %,d replicas per node",
                nodes(), zones, rowsPerZone, racksPerRow, nodesPerRack, powerPerZone, colors, capacity);
    }
}
