package io.physalia.simworld.linearizability;

import java.util.Optional;

/**
 * A sequential specification: what a single copy of the object would do. The checker asks it
 * whether an operation with a given output could have happened in a given state.
 *
 * <p>States must be immutable values with {@code equals} and {@code hashCode} by content: the
 * checker remembers (set of operations applied, state) pairs it has already explored, and a
 * state that compares by identity would only make that memory useless, never wrong.
 *
 * @param <S> state
 * @param <I> operation input
 * @param <O> operation output
 */
public interface Model<S, I, O> {

    S initial();

    /**
     * The state after applying {@code input} to {@code state}, provided the operation could have
     * returned {@code output}; empty if that output is impossible from this state.
     *
     * <p>{@code output} is null for an indeterminate operation (no response was seen): accept it
     * and return the state as if it had applied. Completed operations never have a null output.
     */
    Optional<S> step(S state, I input, O output);

    /** How an operation reads in a failure explanation. */
    default String describe(I input, O output) {
        return input + " -> " + (output == null ? "?" : output);
    }
}
