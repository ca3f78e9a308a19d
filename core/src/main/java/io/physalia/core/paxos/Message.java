package io.physalia.core.paxos;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import java.util.List;

/**
 * The messages replicas of one cell exchange. Every message carries the sender's chosen prefix
 * ({@code chosenUpTo}: all slots below it are chosen and known to the sender) so peers notice
 * when they fall behind without any heartbeat.
 */
public sealed interface Message
        permits Message.Prepare, Message.Promise, Message.Nack, Message.Accept, Message.Accepted,
                Message.Commit, Message.TeachRequest, Message.TeachLog, Message.TeachSnapshot {

    long chosenUpTo();

    /** Phase 1a: promise {@code ballot} for every slot from {@code fromSlot} on. */
    record Prepare(Ballot ballot, long fromSlot, long chosenUpTo) implements Message {}

    /** Phase 1b: the sender's accepted values from {@code fromSlot} on. */
    record Promise(Ballot ballot, long fromSlot, List<AcceptedEntry> accepted, long chosenUpTo) implements Message {
        public Promise {
            accepted = List.copyOf(accepted);
        }
    }

    /**
     * Refusal of {@code refused}: the sender has promised {@code promised}, or still honours a
     * leader lease of {@code promised} for {@code leaseMillisLeft} more of its own milliseconds.
     */
    record Nack(Ballot refused, Ballot promised, long leaseMillisLeft, long chosenUpTo) implements Message {}

    /**
     * Phase 2a. {@code leaseMillis} &gt; 0 asks the acceptor to refuse other proposers for three
     * times that long on its own clock, which backs the proposer's local reads.
     */
    record Accept(Ballot ballot, long slot, Batch value, long leaseMillis, long chosenUpTo) implements Message {}

    /** Phase 2b. */
    record Accepted(Ballot ballot, long slot, long chosenUpTo) implements Message {}

    /**
     * All slots below {@code chosenUpTo} are chosen; a receiver that accepted a slot at
     * {@code ballot} knows that value is the chosen one.
     */
    record Commit(Ballot ballot, long chosenUpTo) implements Message {}

    /** The sender knows every slot below {@code chosenUpTo} and asks for what follows. */
    record TeachRequest(long chosenUpTo) implements Message {}

    /** A segment of chosen values, consecutive slots starting at {@code firstSlot}. */
    record TeachLog(long firstSlot, List<Batch> values, long chosenUpTo) implements Message {
        public TeachLog {
            values = List.copyOf(values);
        }
    }

    /** The state after applying every slot below {@code snapshot.appliedUpTo()}. */
    record TeachSnapshot(CellSnapshot snapshot, long chosenUpTo) implements Message {}

    record AcceptedEntry(long slot, Ballot ballot, Batch value) {}
}
