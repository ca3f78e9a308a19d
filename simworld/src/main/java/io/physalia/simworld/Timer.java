package io.physalia.simworld;

/** A handle on one scheduled event, so the code that armed it can disarm it. */
public interface Timer {

    /**
     * Stops the event from running. Returns true if it was still pending, false if it had
     * already run or been cancelled (so cancelling twice is harmless).
     */
    boolean cancel();

    /** True until the event runs or is cancelled. */
    boolean isPending();

    /** The simulated time at which the event runs (or would have run). */
    long dueAtMillis();
}
