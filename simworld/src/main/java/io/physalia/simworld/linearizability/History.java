package io.physalia.simworld.linearizability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Client operations as seen from outside the system: invocations and responses, recorded in
 * the order they happen. Record live from the simulation (one thread, so call order is real
 * time); an operation left without {@link #ok} or {@link #fail} is indeterminate.
 *
 * @param <I> operation input
 * @param <O> operation output (completed operations must have a non-null output; use a sentinel for "nothing")
 */
public final class History<I, O> {
    private final List<Operation<I, O>> operations = new ArrayList<>();
    private long nextPosition;
    private long lastTimeMillis = Long.MIN_VALUE;

    /** Records an invocation; returns the operation's id, used to record its response. */
    public int invoke(Object process, I input, long timeMillis) {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(input, "input");
        advanceTo(timeMillis);
        int id = operations.size();
        operations.add(new Operation<>(id, process, input, null, Operation.Outcome.INDETERMINATE,
                timeMillis, Long.MAX_VALUE, nextPosition++, Long.MAX_VALUE));
        return id;
    }

    /** Records a response: the operation took effect and returned {@code output}. */
    public void ok(int operationId, O output, long timeMillis) {
        Objects.requireNonNull(output, "output (null is reserved for indeterminate operations)");
        complete(operationId, output, Operation.Outcome.OK, timeMillis);
    }

    /** Records a definite failure: the operation did not take effect (for example rejected before proposing). */
    public void fail(int operationId, long timeMillis) {
        complete(operationId, null, Operation.Outcome.FAILED, timeMillis);
    }

    private void complete(int operationId, O output, Operation.Outcome outcome, long timeMillis) {
        Objects.checkIndex(operationId, operations.size());
        Operation<I, O> pending = operations.get(operationId);
        if (pending.outcome() != Operation.Outcome.INDETERMINATE) {
            throw new IllegalStateException("operation already completed: " + pending);
        }
        advanceTo(timeMillis);
        operations.set(operationId, new Operation<>(operationId, pending.process(), pending.input(), output, outcome,
                pending.invokeMillis(), timeMillis, pending.invokePosition(), nextPosition++));
    }

    private void advanceTo(long timeMillis) {
        if (timeMillis < lastTimeMillis) {
            throw new IllegalArgumentException(
                    "history must be recorded in time order: " + timeMillis + "ms after " + lastTimeMillis + "ms");
        }
        lastTimeMillis = timeMillis;
    }

    /** Every operation, in invocation order. */
    public List<Operation<I, O>> operations() {
        return Collections.unmodifiableList(new ArrayList<>(operations));
    }

    public int size() {
        return operations.size();
    }
}
