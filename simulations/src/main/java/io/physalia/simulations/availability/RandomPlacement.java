package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.Datacenter;
import java.util.random.RandomGenerator;

/**
 * The random baseline: each cell's members are distinct nodes drawn uniformly from the whole
 * datacenter. Colors, the rack and power-domain rules and node capacity are all ignored.
 */
public final class RandomPlacement {
    private RandomPlacement() {}

    public static StorePlacement place(Datacenter dc, int volumes, int size, RandomGenerator random) {
        int[][] nodes = new int[volumes][];
        for (int i = 0; i < volumes; i++) {
            nodes[i] = distinct(dc.nodeCount(), size, random);
        }
        return StorePlacement.of("random", dc, nodes);
    }

    static int[] distinct(int bound, int count, RandomGenerator random) {
        int[] out = new int[count];
        int filled = 0;
        while (filled < count) {
            int n = random.nextInt(bound);
            boolean seen = false;
            for (int j = 0; j < filled; j++) {
                seen |= out[j] == n;
            }
            if (!seen) {
                out[filled++] = n;
            }
        }
        return out;
    }
}
