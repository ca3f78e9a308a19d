package io.physalia.simulations.datacenter;

import io.physalia.controlplane.ColorPlan;
import io.physalia.controlplane.Fleet;
import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A regular datacenter built from a {@link DatacenterShape}: the {@link Topology} the control
 * plane sees (zone, row, rack, power), the colors {@link ColorPlan} gives the nodes, and the agg
 * layer the engine does not see. Nodes and racks also have dense indexes (construction order), so
 * simulations can keep per-node and per-rack state in arrays.
 *
 * <p>Names: zone {@code z1}; rows {@code z1r1}...; racks {@code z1r1k1}...; nodes
 * {@code z1r1k1n1}...; power domains {@code z1r1p1}..., fed to a row's racks in turn so each
 * domain spans racks and each rack spans domains.
 */
public final class Datacenter {
    private static final List<String> COLOR_NAMES = List.of("amber", "blue", "green", "red", "teal", "violet", "olive",
            "coral", "indigo", "lime", "maroon", "navy", "orange", "pink", "silver", "yellow");

    private final DatacenterShape shape;
    private final Topology topology;
    private final SortedMap<String, String> colorByNode;
    private final List<NodeTopology> nodes = new ArrayList<>();
    private final Map<String, Integer> nodeIndex = new HashMap<>();
    private final int[] nodeRack;
    private final Location[] rackLocation;
    private final int[] rackRow;
    private final AggLayer aggs;

    public Datacenter(DatacenterShape shape) {
        this.shape = shape;
        int racks = shape.racks();
        this.nodeRack = new int[shape.nodes()];
        this.rackLocation = new Location[racks];
        this.rackRow = new int[racks];
        for (int z = 1; z <= shape.zones(); z++) {
            for (int r = 1; r <= shape.rowsPerZone(); r++) {
                int row = (z - 1) * shape.rowsPerZone() + (r - 1);
                String rowName = "z" + z + "r" + r;
                for (int k = 1; k <= shape.racksPerRow(); k++) {
                    int rack = row * shape.racksPerRow() + (k - 1);
                    String rackName = rowName + "k" + k;
                    rackLocation[rack] = new Location("z" + z, rowName, rackName);
                    rackRow[rack] = row;
                    for (int n = 1; n <= shape.nodesPerRack(); n++) {
                        String power = rowName + "p" + (1 + (k - 1 + n - 1) % shape.powerPerRow());
                        NodeTopology t = new NodeTopology(rackName + "n" + n, "z" + z, rowName, rackName, power);
                        nodeIndex.put(t.node(), nodes.size());
                        nodeRack[nodes.size()] = rack;
                        nodes.add(t);
                    }
                }
            }
        }
        this.topology = Topology.of(nodes);
        this.colorByNode = ColorPlan.assign(topology, colorNames(shape.colors()));
        this.aggs = new AggLayer(shape);
    }

    static List<String> colorNames(int count) {
        if (count > COLOR_NAMES.size()) {
            throw new IllegalArgumentException("at most " + COLOR_NAMES.size() + " colors, got " + count);
        }
        return COLOR_NAMES.subList(0, count);
    }

    public DatacenterShape shape() {
        return shape;
    }

    public Topology topology() {
        return topology;
    }

    public AggLayer aggs() {
        return aggs;
    }

    /** A fresh control-plane fleet of every node, colored by {@link ColorPlan}, with no cells. */
    public Fleet newFleet() {
        return Fleet.of(topology, colorByNode, shape.capacityReplicas());
    }

    public int nodeCount() {
        return nodes.size();
    }

    public int rackCount() {
        return rackLocation.length;
    }

    public NodeTopology node(int index) {
        return nodes.get(index);
    }

    public int nodeIndex(String name) {
        Integer i = nodeIndex.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no node " + name + " in the simulated datacenter");
        }
        return i;
    }

    /** The rack index of node {@code node}. */
    public int rackOf(int node) {
        return nodeRack[node];
    }

    /** The row index (0-based, across zones) of rack {@code rack}. */
    public int rowOf(int rack) {
        return rackRow[rack];
    }

    public Location rackLocation(int rack) {
        return rackLocation[rack];
    }

    /** The first rack index of row {@code row}; the row's racks follow it. */
    public int firstRackOfRow(int row) {
        return row * shape.racksPerRow();
    }
}
