package io.physalia.controlplane;

/** How placement picks among nodes that all satisfy the rules. */
public enum PlacementPolicy {
    /** Prefer new racks, then nodes sharing fewest cells with the members already chosen, then new power domains, then emptier nodes. */
    LEAST_OVERLAP,
    /** Prefer new racks and power domains, then any node at random: the baseline the overlap statistic is compared with. */
    RANDOM
}
