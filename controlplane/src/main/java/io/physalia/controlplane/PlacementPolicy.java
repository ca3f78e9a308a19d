package io.physalia.controlplane;

/** How placement picks among nodes that all satisfy the rules. */
public enum PlacementPolicy {
    /** Prefer new racks, then nodes sharing fewest cells with the members already chosen, then new power domains, then emptier nodes. */
    LEAST_OVERLAP,
    /** Prefer new racks and power domains, then any node at random: the baseline the overlap statistic is compared with. */
    RANDOM,
    /**
     * Prefer nodes in the racks the clients are in (up to the rack cap of {@code size / 2}, so no
     * rack holds a majority), then as {@link #LEAST_OVERLAP}. The cell then shares its clients'
     * network fate: a failure above the racks that cuts a majority of it off also cuts off the rack
     * of one of its clients. Repair and move-closer
     * prefer the clients' racks too. The price is less different node mixes (cells whose clients
     * share racks share nodes); {@code physalia simulate availability} measures both.
     */
    NEAR_CLIENTS
}
