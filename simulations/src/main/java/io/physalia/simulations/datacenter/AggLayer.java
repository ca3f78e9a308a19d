package io.physalia.simulations.datacenter;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The network between racks (paper section 5.2): each rack's tor uplinks to some of its row's
 * aggs, and every agg reaches the core, which does not fail. Only aggs fail here. A rack whose
 * uplinked aggs are all down is cut off: its nodes reach each other (through the tor) and nothing
 * else. Two nodes reach each other when they share a rack or both their racks are up; a shared
 * live agg needs no separate case, since a rack with a live agg is up.
 */
public final class AggLayer {
    private final int aggCount;
    private final int[][] rackAggs;

    AggLayer(DatacenterShape shape) {
        this.aggCount = shape.aggs();
        this.rackAggs = new int[shape.racks()][];
        for (int rack = 0; rack < rackAggs.length; rack++) {
            int row = rack / shape.racksPerRow();
            int k = rack % shape.racksPerRow();
            int block = k * shape.aggsPerRow() / shape.racksPerRow();
            rackAggs[rack] = new int[shape.uplinksPerRack()];
            for (int j = 0; j < shape.uplinksPerRack(); j++) {
                rackAggs[rack][j] = row * shape.aggsPerRow() + (block + j) % shape.aggsPerRow();
            }
        }
    }

    public int aggCount() {
        return aggCount;
    }

    public int uplinksPerRack() {
        return rackAggs.length == 0 ? 0 : rackAggs[0].length;
    }

    /** The {@code j}-th agg rack {@code rack} uplinks to. */
    public int uplink(int rack, int j) {
        return rackAggs[rack][j];
    }

    /** The aggs rack {@code rack} uplinks to (agg indexes, in uplink order). */
    public int[] uplinks(int rack) {
        return rackAggs[rack].clone();
    }

    /** Whether two racks uplink to exactly the same aggs (and so always share their fate). */
    public boolean sameUplinks(int rackA, int rackB) {
        int[] a = rackAggs[rackA].clone();
        int[] b = rackAggs[rackB].clone();
        Arrays.sort(a);
        Arrays.sort(b);
        return Arrays.equals(a, b);
    }

    /** Fills {@code aggDown} with independent failures, each agg down with probability {@code fraction}. */
    public void sampleFailures(double fraction, RandomGenerator random, boolean[] aggDown) {
        for (int i = 0; i < aggCount; i++) {
            aggDown[i] = random.nextDouble() < fraction;
        }
    }

    /** Fills {@code rackUp}: a rack is up while at least one of its aggs is. */
    public void racksUp(boolean[] aggDown, boolean[] rackUp) {
        for (int rack = 0; rack < rackAggs.length; rack++) {
            boolean up = false;
            for (int agg : rackAggs[rack]) {
                if (!aggDown[agg]) {
                    up = true;
                    break;
                }
            }
            rackUp[rack] = up;
        }
    }

    /** Whether nodes in racks {@code a} and {@code b} reach each other, given which racks are up. */
    public static boolean reach(int a, int b, boolean[] rackUp) {
        return a == b || (rackUp[a] && rackUp[b]);
    }
}
