package io.physalia.core.driver;

import io.physalia.core.paxos.DurableRecord;
import java.util.List;

/**
 * Where a {@link ReplicaDriver} makes its replica's records durable: the node's log, or a
 * simulated disk. One port per driver (it knows its cell).
 *
 * <p>The contract: {@link #persist} queues the records after everything this node queued
 * before; when they are durable (synced), the adapter calls {@link ReplicaDriver#durable}
 * with the same ticket, on the driver's own context. Durability is a prefix: once a ticket is
 * durable, so is every earlier ticket of the same driver. If the records can never become
 * durable (a full disk, a failed write), the adapter stops the node; it never reports them
 * durable.
 */
public interface Durability {
    /**
     * Queues {@code records}; {@code ticket} names them in the later {@link ReplicaDriver#durable}
     * call. Returns false if they were not taken at all (the node is going down): the driver then
     * releases nothing more.
     */
    boolean persist(List<DurableRecord> records, long ticket);
}
