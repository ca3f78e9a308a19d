package io.physalia.core.cell;

import io.physalia.core.kv.Transaction;

/**
 * One change to a cell's state machine. Client commands carry (clientId, seq) so a retried
 * command applies at most once. A log slot holds a {@link Batch} of commands.
 */
public sealed interface Command
        permits Command.ClientTxn, Command.LeaseAcquire, Command.LeaseRenew, Command.LeaseRelease,
                Command.AddMember, Command.RemoveMember {

    /** A client transaction. */
    record ClientTxn(String clientId, long seq, Transaction txn) implements Command {}

    /**
     * Acquire lease {@code lease} for {@code holder} for {@code durationMillis}. When the lease
     * is held, {@code takeoverVersion} is the lease version the proposer has watched expire on its
     * own clock (0 when it attests nothing); it succeeds only if the version still matches.
     */
    record LeaseAcquire(String clientId, long seq, String lease, String holder, long durationMillis,
                        long takeoverVersion) implements Command {}

    /** Extends the holder's lease from now, if {@code token} is still the current grant. */
    record LeaseRenew(String clientId, long seq, String lease, String holder, long token) implements Command {}

    record LeaseRelease(String clientId, long seq, String lease, String holder, long token) implements Command {}

    /** Adds one member; its incarnation is one more than the slot this command is chosen at. */
    record AddMember(String clientId, long seq, NodeId node) implements Command {}

    record RemoveMember(String clientId, long seq, Member member) implements Command {}

    String clientId();

    long seq();
}
