package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.Datacenter;

/**
 * The single-point baseline: one database on one node serves every volume (the monolith of paper
 * section 3.1, with no internal partitions to suffer). A volume that needs its store reaches it
 * exactly when it reaches that node.
 */
public final class SinglePoint {
    private SinglePoint() {}

    public static StorePlacement at(Datacenter dc, int node, int volumes) {
        int[][] nodes = new int[volumes][];
        for (int i = 0; i < volumes; i++) {
            nodes[i] = new int[] {node};
        }
        return StorePlacement.of("single point", dc, nodes);
    }
}
