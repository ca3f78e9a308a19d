package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.AggLayer;

/**
 * What a failure does to one volume, by the EBS-like rules of paper sections 3.5 and 5.2.1. The
 * client reads and writes through the primary, which copies every write to the replica; while
 * that chain is whole the volume needs nothing else. When it breaks, the volume can only go on
 * through its configuration store, which must record the change so the other copy is never
 * mistaken for the current one:
 *
 * <ul>
 *   <li>the client reaches the primary but the primary cannot reach the replica: the primary
 *       must reach the store (a quorum of the cell) to go on alone;
 *   <li>the client cannot reach the primary but reaches the replica: the replica and the client
 *       must both reach the store, to make the replica primary and to learn of it;
 *   <li>the client reaches neither copy: the volume is lost whatever the store does.
 * </ul>
 *
 * A client instance whose own rack is cut off is unavailable itself; the paper's placement aims
 * at the volume's availability given the instance's (section 3.2, P(Av|Ai)), so these cases are
 * counted apart.
 */
public enum Outcome {
    /** The client's rack is cut off: the instance itself is unavailable. */
    CLIENT_CUT_OFF,
    /** The client, primary and replica all reach each other; the store is not needed. */
    SERVED,
    /** The chain broke and the store was reached: the volume goes on. */
    SERVED_BY_STORE,
    /** The chain broke and the store could not be reached by those who needed it. */
    LOST_TO_STORE,
    /** The client reaches neither copy: lost whatever the store does. */
    LOST_DATA;

    /**
     * The outcome for {@code v} whose store members sit in racks {@code memberRacks} (one entry
     * per member; a single-point store has one), given which racks are up.
     */
    public static Outcome of(Volume v, int[] memberRacks, boolean[] rackUp) {
        if (!rackUp[v.client()]) {
            return CLIENT_CUT_OFF;
        }
        boolean clientPrimary = AggLayer.reach(v.client(), v.primary(), rackUp);
        boolean clientReplica = AggLayer.reach(v.client(), v.replica(), rackUp);
        boolean primaryReplica = AggLayer.reach(v.primary(), v.replica(), rackUp);
        if (clientPrimary && primaryReplica) {
            return SERVED;
        }
        boolean reached;
        if (clientPrimary) {
            reached = quorum(v.primary(), memberRacks, rackUp);
        } else if (clientReplica) {
            reached = quorum(v.replica(), memberRacks, rackUp) && quorum(v.client(), memberRacks, rackUp);
        } else {
            return LOST_DATA;
        }
        return reached ? SERVED_BY_STORE : LOST_TO_STORE;
    }

    /**
     * Whether the volume must call its store now (paper section 5.2.1, Figure 12): the client
     * reaches the primary or the replica, but the primary and the replica cannot reach each other.
     */
    public static boolean needsStore(Volume v, boolean[] rackUp) {
        return (AggLayer.reach(v.client(), v.primary(), rackUp) || AggLayer.reach(v.client(), v.replica(), rackUp))
                && !AggLayer.reach(v.primary(), v.replica(), rackUp);
    }

    /** Whether a node in rack {@code from} reaches more than half of the members. */
    static boolean quorum(int from, int[] memberRacks, boolean[] rackUp) {
        int reached = 0;
        for (int m : memberRacks) {
            if (AggLayer.reach(from, m, rackUp)) {
                reached++;
            }
        }
        return reached > memberRacks.length / 2;
    }

    /** Lost while the client instance is up: the numerator of P(volume unavailable | instance available). */
    public boolean lost() {
        return this == LOST_TO_STORE || this == LOST_DATA;
    }
}
