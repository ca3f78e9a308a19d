package io.physalia.core.cell;

import io.physalia.core.kv.TxnResult;

/** What applying one command produced, returned to the client that sent it. */
public sealed interface CommandResult
        permits CommandResult.Txn, CommandResult.Lease, CommandResult.Membership, CommandResult.Stale {

    record Txn(TxnResult result) implements CommandResult {}

    /**
     * A lease operation. {@code token} is the fencing token of the current grant (it grows with
     * every acquisition); {@code holder} is who holds it after the command (null if free).
     */
    record Lease(LeaseStatus status, String holder, long token, long version) implements CommandResult {}

    record Membership(boolean applied, String detail, Configuration pending) implements CommandResult {}

    /** The command's seq is older than the client's latest applied seq; it did nothing. */
    record Stale(long latestSeq) implements CommandResult {}

    enum LeaseStatus { GRANTED, RENEWED, RELEASED, HELD_BY_OTHER, NOT_HOLDER, INVALID }
}
