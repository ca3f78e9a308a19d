package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.AggLayer;

/**
 * The exact probability, over independent agg failures, that a volume must call its store
 * ({@link Outcome#needsStore}). That depends only on the aggs of the client's, primary's and
 * replica's racks (at most three per uplink), so their states are enumerated; any uplink count.
 */
public final class ExactLoad {
    private ExactLoad() {}

    /** Adds {@code v}'s probability of needing its store, for each fraction, to {@code sums[fraction]}. */
    public static void add(Volume v, AggLayer aggs, double[] fractions, double[] sums) {
        int[] racks = {v.client(), v.primary(), v.replica()};
        int[] key = new int[3 * aggs.uplinksPerRack()];
        int keys = 0;
        int[] rackMask = new int[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < aggs.uplinksPerRack(); j++) {
                int agg = aggs.uplink(racks[i], j);
                int k = 0;
                while (k < keys && key[k] != agg) {
                    k++;
                }
                if (k == keys) {
                    key[keys++] = agg;
                }
                rackMask[i] |= 1 << k;
            }
        }
        for (int state = 0; state < (1 << keys); state++) {
            // A rack is up while any of its aggs is (a clear bit in state).
            boolean c = (rackMask[0] & ~state) != 0;
            boolean p = (rackMask[1] & ~state) != 0;
            boolean r = (rackMask[2] & ~state) != 0;
            boolean needs = ((c && p) || (c && r)) && !(p && r);
            if (!needs) {
                continue;
            }
            int down = Integer.bitCount(state);
            for (int q = 0; q < fractions.length; q++) {
                sums[q] += Math.pow(fractions[q], down) * Math.pow(1 - fractions[q], keys - down);
            }
        }
    }
}
