package io.physalia.core.paxos;

import io.physalia.core.cell.Command;
import io.physalia.core.kv.Transaction;

/** A request from a client to one replica; {@code requestId} is the node's, echoed in the reply. */
public sealed interface ClientRequest permits ClientRequest.Submit, ClientRequest.Read {
    long requestId();

    /** A command that goes through the log (writes, leases, membership). */
    record Submit(long requestId, Command command) implements ClientRequest {}

    /**
     * A read-only transaction. LINEARIZABLE reads are served by the proposer, locally while its
     * lease holds, else through the log. EVENTUAL reads are served by any replica whose applied
     * prefix reaches {@code minSlot} (the session's high-water mark, for monotonic reads).
     */
    record Read(long requestId, Transaction txn, ReadMode mode, long minSlot) implements ClientRequest {}

    enum ReadMode { LINEARIZABLE, EVENTUAL }
}
