package io.physalia.core.paxos;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Member;

/** Hooks for checkers and metrics; the default does nothing. */
public interface ReplicaObserver {
    ReplicaObserver NONE = new ReplicaObserver() {};

    /** {@code self} learned that {@code value} is chosen at {@code slot}. */
    default void chosen(String cell, Member self, long slot, Batch value) {}

    /**
     * {@code self}, as leader, proposed {@code value} at {@code slot} (once per slot and ballot;
     * retransmissions are not reported); {@code slotsInFlight} of the {@code window} pipeline
     * slots are now awaiting a quorum, this one included.
     */
    default void proposed(String cell, Member self, long slot, Batch value, int slotsInFlight, int window) {}

    /** {@code self}'s acceptor promised {@code ballot} (it never goes back). */
    default void promised(String cell, Member self, Ballot ballot) {}
}
