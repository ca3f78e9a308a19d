package io.physalia.controlplane;

import java.util.HashMap;
import java.util.Map;

/**
 * The control plane never acts faster than the expected rate of change (paper section 5.1):
 * every action takes a token from a global bucket and from its color's bucket, or waits.
 */
public final class RateLimits {
    /** Bucket sizes and refill intervals, global and per color. */
    public record Config(int globalBurst, long globalRefillMillis, int colorBurst, long colorRefillMillis) {
        /** Defaults: bursts of 10 globally and 4 per color; then one action a second globally, one every 3 s per color. */
        public static Config defaults() {
            return new Config(10, 1_000, 4, 3_000);
        }
    }

    private final Config config;
    private final TokenBucket global;
    private final Map<String, TokenBucket> byColor = new HashMap<>();

    public RateLimits(Config config) {
        this.config = config;
        this.global = new TokenBucket(config.globalBurst(), config.globalRefillMillis());
    }

    public Config config() {
        return config;
    }

    private TokenBucket color(String color) {
        return byColor.computeIfAbsent(color, c -> new TokenBucket(config.colorBurst(), config.colorRefillMillis()));
    }

    /** Whether the global bucket has a token now. */
    boolean globalAvailable(long nowMillis) {
        return global.available(nowMillis) > 0;
    }

    /** Whether an action of {@code color} could take tokens now. */
    boolean available(String color, long nowMillis) {
        return global.available(nowMillis) > 0 && color(color).available(nowMillis) > 0;
    }

    /** Takes a token from both buckets, or from neither. */
    boolean tryTake(String color, long nowMillis) {
        if (!available(color, nowMillis)) {
            return false;
        }
        global.tryTake(nowMillis);
        color(color).tryTake(nowMillis);
        return true;
    }
}
