package io.physalia.core.paxos;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;

/**
 * What a replica asks its node to make durable before the messages and replies of the same
 * step are released (persist before send). Replaying a replica's records in order rebuilds
 * its durable state after any crash.
 */
public sealed interface DurableRecord
        permits DurableRecord.Identity, DurableRecord.Promised, DurableRecord.AcceptedValue,
                DurableRecord.Chosen, DurableRecord.Snapshot {

    /** First record of every replica: who it is and the configuration it was created with. */
    record Identity(String cell, Member self, Configuration initial) implements DurableRecord {}

    record Promised(Ballot ballot) implements DurableRecord {}

    record AcceptedValue(long slot, Ballot ballot, Batch value) implements DurableRecord {}

    record Chosen(long slot, Batch value) implements DurableRecord {}

    /** Replaces every earlier Chosen and AcceptedValue record below {@code snapshot.appliedUpTo()}. */
    record Snapshot(CellSnapshot snapshot) implements DurableRecord {}
}
