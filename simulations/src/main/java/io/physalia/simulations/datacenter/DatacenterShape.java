package io.physalia.simulations.datacenter;

import io.physalia.simulations.SimulationOptions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The size of a regular simulated datacenter: zones of rows of racks of nodes, power domains
 * that span racks within a row, colors, and the network layer the paper's section 5.2 model adds
 * above the racks: each rack's top-of-rack switch (tor) uplinks to {@code uplinksPerRack} of its
 * row's {@code aggsPerRow} aggregation routers (aggs); every agg reaches a core that never fails.
 *
 * <p>Racks share aggs in blocks: with 12 racks and 4 aggs per row, racks 1-3 hang off the first
 * agg, 4-6 off the second, and so on; a second uplink goes to the next agg of the row.
 */
public record DatacenterShape(int zones, int rowsPerZone, int racksPerRow, int nodesPerRack, int powerPerRow,
        int aggsPerRow, int uplinksPerRack, int colors, int capacityReplicas) {

    /** One datacenter (zone) of 8 rows x 12 racks x 16 nodes; 4 power domains and 4 aggs per row, one uplink per rack; 4 colors. */
    public static final DatacenterShape DEFAULT = new DatacenterShape(1, 8, 12, 16, 4, 4, 1, 4, 10_000);

    /** The flags {@link #from} reads, with their descriptions, for a simulation's {@code parameters()}. */
    public static Map<String, String> parameters(DatacenterShape defaults) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rows", "rows in the datacenter (default " + defaults.rowsPerZone() + ")");
        p.put("racks-per-row", "racks per row (default " + defaults.racksPerRow() + ")");
        p.put("nodes-per-rack", "nodes per rack (default " + defaults.nodesPerRack() + ")");
        p.put("aggs-per-row", "aggregation routers per row; racks share them in blocks (default " + defaults.aggsPerRow() + ")");
        p.put("uplinks", "aggs each rack's tor connects to; 1 is the paper's no-redundancy model (default "
                + defaults.uplinksPerRack() + ")");
        p.put("colors", "node colors (default " + defaults.colors() + ")");
        return p;
    }

    /** The shape named by the options' flags, each checked, starting from {@code defaults}. */
    public static DatacenterShape from(SimulationOptions o, DatacenterShape defaults) {
        int racks = o.intParam("racks-per-row", defaults.racksPerRow(), 3, 200);
        int aggs = o.intParam("aggs-per-row", Math.min(defaults.aggsPerRow(), racks), 1, racks);
        return new DatacenterShape(defaults.zones(), o.intParam("rows", defaults.rowsPerZone(), 1, 200), racks,
                o.intParam("nodes-per-rack", defaults.nodesPerRack(), 1, 200), defaults.powerPerRow(), aggs,
                o.intParam("uplinks", Math.min(defaults.uplinksPerRack(), aggs), 1, aggs),
                o.intParam("colors", defaults.colors(), 1, 16), defaults.capacityReplicas());
    }

    public DatacenterShape {
        positive("zones", zones);
        positive("rowsPerZone", rowsPerZone);
        positive("racksPerRow", racksPerRow);
        positive("nodesPerRack", nodesPerRack);
        positive("powerPerRow", powerPerRow);
        positive("colors", colors);
        positive("capacityReplicas", capacityReplicas);
        if (aggsPerRow < 1 || aggsPerRow > racksPerRow) {
            throw new IllegalArgumentException("--aggs-per-row must be 1.." + racksPerRow + " (the racks per row), got " + aggsPerRow);
        }
        if (uplinksPerRack < 1 || uplinksPerRack > aggsPerRow) {
            throw new IllegalArgumentException("--uplinks must be 1.." + aggsPerRow + " (the aggs per row), got " + uplinksPerRack);
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    public int rows() {
        return zones * rowsPerZone;
    }

    public int racks() {
        return rows() * racksPerRow;
    }

    public int nodes() {
        return racks() * nodesPerRack;
    }

    public int aggs() {
        return rows() * aggsPerRow;
    }

    /** One line for the result header: the nodes, then the network. */
    public String describe() {
        return describeNodes() + "; " + describeAggs() + "; " + uplinksPerRack + " uplink(s) per rack";
    }

    /** The zones, rows, racks, nodes, power domains and colors. */
    public String describeNodes() {
        return String.format(Locale.ROOT, "%d zone(s) x %d rows x %d racks x %d nodes = %,d nodes; %d power domains per row;"
                + " %d colors", zones, rowsPerZone, racksPerRow, nodesPerRack, nodes(), powerPerRow, colors);
    }

    /** The agg layer: how many aggs, and how many racks share one. */
    public String describeAggs() {
        String perAgg = racksPerRow % aggsPerRow == 0 ? (racksPerRow / aggsPerRow) + " racks each"
                : "about " + racksPerRow / aggsPerRow + " racks each";
        return String.format(Locale.ROOT, "%d aggs per row (%s), %d in all", aggsPerRow, perAgg, aggs());
    }
}
