package io.physalia.simworld;

import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The only source of randomness in a simulation. Everything random (delays, faults, choices)
 * is drawn from here, so the seed alone replays a run. Print {@link #seed()} when a run fails.
 * It is also the {@link RandomGenerator} handed to the replicas under test.
 */
public final class SimRandom implements RandomGenerator {
    private final long seed;
    private final SplittableRandom random;

    public SimRandom(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /**
     * A new source seeded from this one. Give each component its own fork so that a change in
     * how often one of them draws does not shift every other component's draws.
     */
    public SimRandom fork() {
        return new SimRandom(random.nextLong());
    }

    /** Uniform in [0, bound). */
    @Override
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, was " + bound);
        }
        return random.nextLong(bound);
    }

    /** Uniform in [0, bound). */
    @Override
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, was " + bound);
        }
        return random.nextInt(bound);
    }

    @Override
    public long nextLong() {
        return random.nextLong();
    }

    /** Uniform in [0, 1). */
    @Override
    public double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform in [lo, hi], both inclusive. */
    public long between(long lo, long hi) {
        if (lo > hi) {
            throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
        }
        if (hi < Long.MAX_VALUE) {
            return random.nextLong(lo, hi + 1);
        }
        // SplittableRandom's bound is exclusive and hi + 1 would overflow: shift the range down by one.
        return lo == Long.MIN_VALUE ? random.nextLong() : random.nextLong(lo - 1, hi) + 1;
    }

    /** True with probability {@code p}. Always draws, so the stream does not depend on {@code p}. */
    public boolean chance(double p) {
        requireProbability(p);
        return random.nextDouble() < p;
    }

    public <T> T pick(List<T> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("cannot pick from an empty list");
        }
        return items.get(random.nextInt(items.size()));
    }

    /** Shuffles in place (Fisher-Yates). */
    public <T> void shuffle(List<T> items) {
        for (int i = items.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            items.set(i, items.set(j, items.get(i)));
        }
    }

    /**
     * {@code baseMillis} moved by up to {@code fraction} of itself either way, uniformly:
     * {@code jitter(100, 0.2)} is in [80, 120]. Used to de-synchronise timers.
     */
    public long jitter(long baseMillis, double fraction) {
        if (baseMillis < 0) {
            throw new IllegalArgumentException("base must be >= 0, was " + baseMillis);
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
        }
        long spread = (long) Math.floor(baseMillis * fraction);
        return between(baseMillis - spread, baseMillis + spread);
    }

    /** Validates a probability; shared by every fault knob. */
    public static double requireProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], was " + p);
        }
        return p;
    }

    @Override
    public String toString() {
        return "SimRandom[seed=" + seed + "]";
    }
}
