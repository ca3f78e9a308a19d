package io.physalia.controlplane;

/**
 * How placement picks among nodes that all satisfy the rules. {@link #DEFAULT} ({@link #NEAR_CLIENTS})
 * is what the engine uses unless told otherwise.
 */
public enum PlacementPolicy {
    /**
     * Prefer new racks, then nodes sharing fewest cells with the members already chosen, then new
     * power domains, then emptier nodes. Gives the most different node mixes; the comparison point
     * for {@link #NEAR_CLIENTS}, which it was the default before.
     */
    LEAST_OVERLAP,
    /** Prefer new racks and power domains, then any node at random: the baseline the overlap statistic is compared with. */
    RANDOM,
    /**
     * The default. Prefer nodes in the racks the clients are in (up to the rack cap of
     * {@code size / 2}, so no rack holds a majority), then as {@link #LEAST_OVERLAP}. The cell then
     * shares its clients' network fate: a failure above the racks that cuts a majority of it off
     * also cuts off the rack of one of its clients. Repair and move-closer prefer the clients'
     * racks too.
     *
     * <p>Why it is the default: each cell must stay available to the few clients that need it. In
     * {@code physalia simulate availability} (the paper's Figure 11, docs/simulations.md) it is the
     * only placement measured that meets both targets for cells of 5, 7 and 9: at least 4x less often
     * unavailable than a single-point database (14.5x at 0.5% failed aggs) and lower than the
     * paper's swap heuristic at every failure fraction; the store itself never fails a volume whose
     * client is up. {@link #LEAST_OVERLAP} misses the swap target for every size and the 4x target
     * for cells of 5.
     *
     * <p>What it costs: less different node mixes, because cells whose clients share racks share
     * nodes. In the same simulation the most cells any two nodes share rises from 5 to 12 for cells
     * of 7 (mean 2.49 to 2.88) and replicas per node spread 12..26 instead of 16..22; in
     * {@code PlacementBenchmark} (100,000 cells on 1,000 nodes) the most-sharing pair shares 291
     * cells instead of 190, and in {@code physalia simulate scale} (1,000,000 cells on 10,000 nodes)
     * 239 instead of 37, the mean staying about the same. No member set is repeated under either
     * policy.
     */
    NEAR_CLIENTS;

    /** The policy the engine uses unless told otherwise: the one place that says which it is. */
    public static final PlacementPolicy DEFAULT = NEAR_CLIENTS;
}
