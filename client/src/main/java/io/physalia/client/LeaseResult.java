package io.physalia.client;

import io.physalia.core.cell.CommandResult.LeaseStatus;
import java.time.Duration;

/**
 * The answer to acquiring, renewing or releasing a lease. When granted or renewed, the holder
 * may act as holder for {@code durationMillis} counted from {@code sentAtNanos} (its own clock,
 * read just before the request was first sent: never later than the cell's own start) and must
 * hand {@code token}, the fencing token, to whatever the lease guards; tokens grow with every
 * grant, so a guarded resource can refuse a stale holder. {@code json} is the node's answer.
 */
public record LeaseResult(String cell, String lease, LeaseStatus status, String holder, long token, long version,
                          long durationMillis, long sentAtNanos, String json) {

    /** GRANTED or RENEWED. */
    public boolean held() {
        return status == LeaseStatus.GRANTED || status == LeaseStatus.RENEWED;
    }

    /** How long the holder may still act on this grant (zero or negative: not any more). */
    public Duration remaining() {
        if (!held()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(durationMillis * 1_000_000 - (System.nanoTime() - sentAtNanos));
    }

    public boolean valid() {
        return remaining().isPositive();
    }
}
