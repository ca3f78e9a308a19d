package io.physalia.node;

import io.physalia.core.paxos.ReplicaConfig;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What a {@link Node} takes from its environment rather than from statics: the one place a node
 * is composed. A production node uses {@link #production()}; a test may pass its own clock,
 * random source or replica configuration.
 *
 * @param vertx the event loops and timers; the node owns it and closes it on {@code close()}
 * @param monotonicMillis the node's monotonic clock, in milliseconds (never the wall clock:
 *     leases and liveness must not jump with NTP)
 * @param random the random source of the calling thread (shards read it from their own threads)
 * @param replicaConfig every replica's protocol settings
 */
public record NodeRuntime(Vertx vertx, LongSupplier monotonicMillis, Supplier<RandomGenerator> random,
        ReplicaConfig replicaConfig) {

    public NodeRuntime {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(monotonicMillis, "monotonicMillis");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(replicaConfig, "replicaConfig");
    }

    /** A fresh Vert.x, {@code System.nanoTime} from now, thread-local randomness, the default replica settings. */
    public static NodeRuntime production() {
        return production(ReplicaConfig.DEFAULT);
    }

    /** {@link #production()} with the given replica settings. */
    public static NodeRuntime production(ReplicaConfig replicaConfig) {
        long baseNanos = System.nanoTime();
        return new NodeRuntime(Vertx.vertx(), () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - baseNanos),
                ThreadLocalRandom::current, replicaConfig);
    }
}
