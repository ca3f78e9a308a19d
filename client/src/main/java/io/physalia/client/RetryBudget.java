package io.physalia.client;

import java.util.function.LongSupplier;

/**
 * A bound on retries across all of one client's calls, so that when a colony is in trouble the
 * client adds a little load, not a multiple of it (retry storms). A token bucket: every request
 * deposits {@code retriesPerRequest} tokens, time deposits {@code minRetriesPerSecond} per second
 * (so a quiet client can still retry), the bucket holds at most {@code maxTokens}, and each retry
 * withdraws one token. With no token left, a call gives up instead of retrying.
 */
public final class RetryBudget {
    public static final RetryBudget.Spec DEFAULT = new Spec(0.2, 10, 100);

    /** The budget's shape: retries earned per request, per second, and the most that can be saved up. */
    public record Spec(double retriesPerRequest, double minRetriesPerSecond, double maxTokens) {
        public Spec {
            if (!(retriesPerRequest >= 0) || !(minRetriesPerSecond >= 0) || !(maxTokens >= 1)) {
                throw new IllegalArgumentException("need retriesPerRequest >= 0, minRetriesPerSecond >= 0, maxTokens >= 1; got "
                        + retriesPerRequest + ", " + minRetriesPerSecond + ", " + maxTokens);
            }
        }
    }

    private final Spec spec;
    private final LongSupplier nanos;
    private double tokens;
    private long lastNanos;

    public RetryBudget(Spec spec) {
        this(spec, System::nanoTime);
    }

    RetryBudget(Spec spec, LongSupplier nanos) {
        this.spec = spec;
        this.nanos = nanos;
        this.tokens = spec.maxTokens();
        this.lastNanos = nanos.getAsLong();
    }

    /** A request (a first attempt) was made. */
    public synchronized void onRequest() {
        refill();
        tokens = Math.min(spec.maxTokens(), tokens + spec.retriesPerRequest());
    }

    /** True, and one token spent, if a retry may be made now. */
    public synchronized boolean tryRetry() {
        refill();
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    public synchronized double tokens() {
        refill();
        return tokens;
    }

    private void refill() {
        long now = nanos.getAsLong();
        double seconds = Math.max(0, now - lastNanos) / 1e9;
        lastNanos = now;
        tokens = Math.min(spec.maxTokens(), tokens + seconds * spec.minRetriesPerSecond());
    }
}
