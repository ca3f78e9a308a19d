package io.physalia.controlplane;

/**
 * A token bucket driven by an explicit clock: holds at most {@code burst} tokens and gains one
 * every {@code refillMillis}. Starts full at the first {@code now} it sees. Time going backwards
 * adds nothing.
 */
public final class TokenBucket {
    private final int burst;
    private final long refillMillis;
    private long tokens;
    private long lastRefillMillis;
    private boolean started;

    public TokenBucket(int burst, long refillMillis) {
        if (burst < 1 || refillMillis < 1) {
            throw new IllegalArgumentException("a token bucket needs burst >= 1 and refillMillis >= 1");
        }
        this.burst = burst;
        this.refillMillis = refillMillis;
    }

    private void refill(long nowMillis) {
        if (!started) {
            started = true;
            tokens = burst;
            lastRefillMillis = nowMillis;
            return;
        }
        if (nowMillis <= lastRefillMillis) {
            return;
        }
        long gained = (nowMillis - lastRefillMillis) / refillMillis;
        if (tokens + gained >= burst) {
            tokens = burst;
            lastRefillMillis = nowMillis;
        } else {
            tokens += gained;
            lastRefillMillis += gained * refillMillis;
        }
    }

    public long available(long nowMillis) {
        refill(nowMillis);
        return tokens;
    }

    public boolean tryTake(long nowMillis) {
        refill(nowMillis);
        if (tokens == 0) {
            return false;
        }
        tokens--;
        return true;
    }

    public int burst() {
        return burst;
    }

    public long refillMillis() {
        return refillMillis;
    }
}
