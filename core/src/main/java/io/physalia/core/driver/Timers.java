package io.physalia.core.driver;

/**
 * A replica's one wakeup timer. The driver holds at most one at a time: it cancels before it
 * schedules again. When the timer fires, the adapter calls {@link ReplicaDriver#onWakeup} on
 * the driver's context (and does not cancel it afterwards).
 */
public interface Timers {
    /** Fires once, {@code delayMillis} (at least 1) from now on the node's monotonic clock. */
    void schedule(long delayMillis);

    /** Cancels the scheduled timer; a timer that already fired, or none, is fine. */
    void cancel();
}
