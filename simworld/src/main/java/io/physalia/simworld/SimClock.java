package io.physalia.simworld;

import java.util.Objects;

/**
 * One node's hardware clock, derived from simulated time. Between changes the reading is
 * {@code readingAtAnchor + rate * (simNow - anchorSimMillis)}; every change re-anchors at the
 * current reading, so rate changes never make the clock jump.
 *
 * <p>Two readings are offered, as on a real machine: {@link #wallMillis()} follows every jump,
 * including backward ones (an operator or NTP stepping the clock), while
 * {@link #monotonicMillis()} ticks at the same rate but ignores backward jumps, so it never
 * decreases. Forward jumps move both (a monotonic clock can leap forward, for example across a
 * suspended VM). Readings are floored to whole milliseconds.
 */
public final class SimClock {
    /** Paper, section 2.6: leases are safe while no clock runs 3x faster than another; allow beyond that to test it. */
    public static final double MAX_RATE = 4.0;

    private final SimScheduler scheduler;
    private long anchorSimMillis;
    private double wallAtAnchor;
    private double monotonicAtAnchor;
    private double rate = 1.0;
    private long lastMonotonicReading = Long.MIN_VALUE;

    /** A clock that reads simulated time exactly. */
    public SimClock(SimScheduler scheduler) {
        this(scheduler, 0);
    }

    /** A clock whose wall reading starts {@code offsetMillis} ahead of (or, if negative, behind) simulated time. */
    public SimClock(SimScheduler scheduler, long offsetMillis) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.anchorSimMillis = scheduler.now();
        this.wallAtAnchor = (double) anchorSimMillis + offsetMillis;
        // The monotonic origin is arbitrary on real machines; starting it at the wall reading keeps traces readable.
        this.monotonicAtAnchor = wallAtAnchor;
    }

    public long wallMillis() {
        return (long) Math.floor(wallExact());
    }

    public long monotonicMillis() {
        long reading = (long) Math.floor(monotonicExact());
        // Guards against any floating-point wobble at a re-anchor: the contract is "never backward".
        lastMonotonicReading = Math.max(lastMonotonicReading, reading);
        return lastMonotonicReading;
    }

    /** Local milliseconds per simulated millisecond. */
    public double rate() {
        return rate;
    }

    /** How far the wall reading is ahead of simulated time (negative when behind), floored. */
    public long offsetMillis() {
        return wallMillis() - scheduler.now();
    }

    /** Changes how fast the clock runs from now on; the reading continues from where it is. Allowed range (0, 4]. */
    public void setRate(double newRate) {
        if (!(newRate > 0 && newRate <= MAX_RATE)) {
            throw new IllegalArgumentException("clock rate must be in (0, " + MAX_RATE + "], was " + newRate);
        }
        reanchor();
        rate = newRate;
    }

    /**
     * Steps the clock by {@code deltaMillis}. Positive steps move both readings; negative steps move
     * only the wall reading, because a monotonic clock never goes backward.
     */
    public void jump(long deltaMillis) {
        step(deltaMillis);
    }

    /** Steps the wall reading so that it is exactly {@code offsetMillis} away from simulated time: a {@link #jump} by the difference. */
    public void skew(long offsetMillis) {
        reanchor();
        step((double) scheduler.now() + offsetMillis - wallAtAnchor);
    }

    /**
     * Simulated milliseconds until this clock has advanced by {@code localMillis} at its current
     * rate. A node arms its timers in its own time; the harness converts them with this. A later
     * rate change does not move an already armed timer, as with a real hardware timer programmed
     * in ticks.
     */
    public long simMillisFor(long localMillis) {
        if (localMillis < 0) {
            throw new IllegalArgumentException("duration must be >= 0, was " + localMillis);
        }
        long simMillis = (long) Math.ceil(localMillis / rate);
        while (simMillis * rate < localMillis) {
            simMillis++; // floating-point division may land just short
        }
        return simMillis;
    }

    /** Schedules {@code action} once this clock has advanced by {@code localMillis} (at its current rate). */
    public Timer afterLocal(long localMillis, Runnable action) {
        return scheduler.after(simMillisFor(localMillis), action);
    }

    private double wallExact() {
        return wallAtAnchor + rate * (scheduler.now() - anchorSimMillis);
    }

    private double monotonicExact() {
        return monotonicAtAnchor + rate * (scheduler.now() - anchorSimMillis);
    }

    private void step(double deltaMillis) {
        reanchor();
        wallAtAnchor += deltaMillis;
        if (deltaMillis > 0) {
            monotonicAtAnchor += deltaMillis;
        }
    }

    private void reanchor() {
        wallAtAnchor = wallExact();
        monotonicAtAnchor = monotonicExact();
        anchorSimMillis = scheduler.now();
    }

    @Override
    public String toString() {
        return "SimClock[wall=" + wallMillis() + "ms, rate=" + rate + "]";
    }
}
