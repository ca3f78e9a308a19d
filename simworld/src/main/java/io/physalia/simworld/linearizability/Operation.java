package io.physalia.simworld.linearizability;

/**
 * One operation of a {@link History}. Real-time order comes from {@code invokePosition} and
 * {@code returnPosition}, the order in which the history heard of the invocation and the
 * response; the millisecond times are for people, since many events share a millisecond.
 * An indeterminate operation has a null output and returns "at infinity".
 */
public record Operation<I, O>(
        int id,
        Object process,
        I input,
        O output,
        Outcome outcome,
        long invokeMillis,
        long returnMillis,
        long invokePosition,
        long returnPosition) {

    public enum Outcome {
        /** A response was seen: the operation took effect exactly once, with this output. */
        OK,
        /** No response (timeout, crash): it may or may not have taken effect, at any time after its invocation. */
        INDETERMINATE,
        /** A definite failure: it did not take effect. The checker ignores it. */
        FAILED
    }

    /** True if {@code this} returned before {@code other} was invoked, so it must be ordered first. */
    public boolean precedes(Operation<?, ?> other) {
        return returnPosition < other.invokePosition;
    }

    @Override
    public String toString() {
        return "#" + id + " (" + process + ": " + input + " -> " + (output == null ? "?" : output)
                + ", invoked " + invokeMillis + "ms, " + (outcome == Outcome.INDETERMINATE ? "no response" : "returned " + returnMillis + "ms") + ")";
    }
}
