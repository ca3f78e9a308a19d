package io.physalia.core.driver;

import io.physalia.core.paxos.Envelope;

/** Where a {@link ReplicaDriver} sends its replica's messages, once the records they depend on are durable. */
public interface Outbox {
    void send(Envelope envelope);
}
