package io.physalia.core.paxos;

import io.physalia.core.cell.NodeId;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * What a replica may know of the world during one step: the node's monotonic clock reading,
 * a random source owned by the caller (seeded in simulation), and the node's per-peer
 * liveness view (tracked per node pair, never per cell).
 */
public record Context(long nowMillis, RandomGenerator random, Predicate<NodeId> peerAlive) {}
