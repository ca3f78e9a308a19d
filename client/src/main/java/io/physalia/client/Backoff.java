package io.physalia.client;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random time in
 * [0, min(cap, base * 2^n)), so clients that failed together do not retry together.
 */
public record Backoff(long baseMillis, long capMillis) {
    public static final Backoff DEFAULT = new Backoff(50, 2000);

    public Backoff {
        if (baseMillis < 1 || capMillis < baseMillis) {
            throw new IllegalArgumentException("need 1 <= baseMillis <= capMillis, got " + baseMillis + ", " + capMillis);
        }
    }

    public long delayMillis(int attempt, RandomGenerator random) {
        long ceiling = attempt >= 30 ? capMillis : Math.min(capMillis, baseMillis << attempt);
        return random.nextLong(ceiling + 1);
    }
}
