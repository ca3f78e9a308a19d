package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.AggLayer;

/**
 * The exact expectation, over independent agg failures (each agg down with probability f), of a
 * volume's outcome, for one uplink per rack. Only the aggs of the client's, primary's and
 * replica's racks decide whether the store is needed; the function enumerates their states. In
 * the states where it is needed, the parties that must reach the store are up, so they reach
 * exactly the members on racks that are up: members behind those aggs are settled by the state,
 * the others come in independent groups (one per other agg), whose count of reachable members a
 * small convolution gives. No sampling noise, so the small probabilities of good placements are
 * resolved; {@link MonteCarlo} checks it.
 */
public final class ExactAvailability {
    /** Index of P(lost while the client is up) in the sums. */
    public static final int LOST = 0;
    /** Index of P(lost because the store could not be reached). */
    public static final int LOST_TO_STORE = 1;
    /** Index of P(lost whatever the store does: the client reaches neither copy) while the client is up. */
    public static final int LOST_DATA = 2;
    /** Index of P(client instance up). */
    public static final int CLIENT_UP = 3;
    /** Index of P(the volume must call its store): Figure 12's load. */
    public static final int NEEDS_STORE = 4;
    public static final int FIELDS = 5;

    private ExactAvailability() {}

    /** Whether the exact computation applies: one uplink per rack. */
    public static boolean applies(AggLayer aggs) {
        return aggs.uplinksPerRack() == 1;
    }

    /** Adds volume {@code v}'s probabilities, for each fraction, to {@code sums[fraction][field]}. */
    public static void add(Volume v, int[] memberRacks, AggLayer aggs, double[] fractions, double[][] sums) {
        if (!applies(aggs)) {
            throw new IllegalArgumentException("the exact computation needs one uplink per rack");
        }
        int[] key = new int[3];
        int keys = 0;
        int[] racks = {v.client(), v.primary(), v.replica()};
        int[] rackKey = new int[3];
        for (int i = 0; i < 3; i++) {
            int agg = aggs.uplink(racks[i], 0);
            int k = indexOf(key, keys, agg);
            if (k < 0) {
                key[keys] = agg;
                k = keys++;
            }
            rackKey[i] = k;
        }
        // Members behind one of the key aggs are settled by the state; the rest are grouped by agg.
        int[] memberKey = new int[memberRacks.length];
        int[] groupAgg = new int[memberRacks.length];
        int[] groupSize = new int[memberRacks.length];
        int groups = 0;
        for (int m = 0; m < memberRacks.length; m++) {
            int agg = aggs.uplink(memberRacks[m], 0);
            memberKey[m] = indexOf(key, keys, agg);
            if (memberKey[m] < 0) {
                int g = indexOf(groupAgg, groups, agg);
                if (g < 0) {
                    groupAgg[groups] = agg;
                    g = groups++;
                }
                groupSize[g]++;
            }
        }
        int majority = memberRacks.length / 2 + 1;
        double[] dist = new double[memberRacks.length + 1];
        double[] next = new double[memberRacks.length + 1];
        for (int q = 0; q < fractions.length; q++) {
            double f = fractions[q];
            // P(fewer than `need` of the grouped members are up), for every need: from one convolution.
            java.util.Arrays.fill(dist, 0);
            dist[0] = 1;
            int reach = 0;
            for (int g = 0; g < groups; g++) {
                java.util.Arrays.fill(next, 0);
                for (int k = 0; k <= reach; k++) {
                    next[k] += dist[k] * f;
                    next[k + groupSize[g]] += dist[k] * (1 - f);
                }
                reach += groupSize[g];
                System.arraycopy(next, 0, dist, 0, dist.length);
            }
            for (int state = 0; state < (1 << keys); state++) {
                int down = Integer.bitCount(state);
                double w = Math.pow(f, down) * Math.pow(1 - f, keys - down);
                if (w == 0) {
                    continue;
                }
                boolean cUp = (state & (1 << rackKey[0])) == 0;
                boolean pUp = (state & (1 << rackKey[1])) == 0;
                boolean rUp = (state & (1 << rackKey[2])) == 0;
                boolean cp = cUp && pUp;
                boolean cr = cUp && rUp;
                boolean pr = pUp && rUp;
                if ((cp || cr) && !pr) {
                    sums[q][NEEDS_STORE] += w;
                }
                if (!cUp) {
                    continue;
                }
                sums[q][CLIENT_UP] += w;
                if (cp && pr) {
                    continue;
                }
                if (!cp && !cr) {
                    sums[q][LOST_DATA] += w;
                    sums[q][LOST] += w;
                    continue;
                }
                int settledUp = 0;
                for (int m = 0; m < memberRacks.length; m++) {
                    if (memberKey[m] >= 0 && (state & (1 << memberKey[m])) == 0) {
                        settledUp++;
                    }
                }
                double fail = 0;
                for (int k = 0; k <= reach && settledUp + k < majority; k++) {
                    fail += dist[k];
                }
                sums[q][LOST_TO_STORE] += w * fail;
                sums[q][LOST] += w * fail;
            }
        }
    }

    private static int indexOf(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
