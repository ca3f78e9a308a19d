package io.physalia.simworld.linearizability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decides whether a {@link History} is linearizable with respect to a {@link Model}: whether
 * each operation can be given a single instant between its invocation and its response such
 * that the operations, applied in that order, produce exactly the outputs seen. Definitely
 * failed operations are ignored; indeterminate ones may be placed anywhere after their
 * invocation or left out.
 *
 * <p>The problem is NP-complete in general, so the search is bounded: past
 * {@code maxStatesExplored} model steps (per partition) the answer is INCONCLUSIVE, never a guess.
 * With low concurrency it is close to linear, and histories of thousands of operations are fine.
 */
public final class LinearizabilityChecker {
    /** Partition key used when the history is checked as one piece. */
    static final Object WHOLE_HISTORY = new Object() {
        @Override
        public String toString() {
            return "whole history";
        }
    };

    private LinearizabilityChecker() {}

    public static <S, I, O> CheckResult<I, O> check(History<I, O> history, Model<S, I, O> model, long maxStatesExplored) {
        return check(history, model, input -> WHOLE_HISTORY, maxStatesExplored);
    }

    /**
     * Checks each partition separately. Only correct when the model treats operations with
     * different keys as independent (for example, single-key operations on a map, where the
     * model's initial state is the same for every key): linearizability is then compositional
     * (Herlihy and Wing), and small partitions are far cheaper to search than one large history.
     * Partitions are checked in order of first appearance; the first violation is reported.
     */
    public static <S, I, O> CheckResult<I, O> check(
            History<I, O> history, Model<S, I, O> model, Function<? super I, ?> partitionKey, long maxStatesExplored) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(partitionKey, "partitionKey");
        if (maxStatesExplored <= 0) {
            throw new IllegalArgumentException("maxStatesExplored must be > 0, was " + maxStatesExplored);
        }
        long exploredTotal = 0;
        CheckResult<I, O> firstInconclusive = null;
        for (Map.Entry<Object, List<Operation<I, O>>> partition : partition(history, partitionKey).entrySet()) {
            CheckResult<I, O> result =
                    new LinearizationSearch<>(model, partition.getValue(), maxStatesExplored).run(partition.getKey());
            exploredTotal += result.statesExplored();
            if (result.verdict() == CheckResult.Verdict.NOT_LINEARIZABLE) {
                return withExplored(result, exploredTotal);
            }
            if (result.verdict() == CheckResult.Verdict.INCONCLUSIVE && firstInconclusive == null) {
                firstInconclusive = result;
            }
        }
        if (firstInconclusive != null) {
            return withExplored(firstInconclusive, exploredTotal);
        }
        return new CheckResult<>(CheckResult.Verdict.LINEARIZABLE, "linearizable", exploredTotal, List.of(), null, null);
    }

    private static <I, O> Map<Object, List<Operation<I, O>>> partition(
            History<I, O> history, Function<? super I, ?> partitionKey) {
        // Insertion-ordered so the checking order (and any reported partition) is the same every run.
        Map<Object, List<Operation<I, O>>> partitions = new LinkedHashMap<>();
        for (Operation<I, O> operation : history.operations()) {
            if (operation.outcome() != Operation.Outcome.FAILED) {
                partitions.computeIfAbsent(partitionKey.apply(operation.input()), key -> new ArrayList<>()).add(operation);
            }
        }
        return partitions;
    }

    private static <I, O> CheckResult<I, O> withExplored(CheckResult<I, O> result, long exploredTotal) {
        Object key = result.partitionKey() == WHOLE_HISTORY ? null : result.partitionKey();
        return new CheckResult<>(result.verdict(), result.explanation(), exploredTotal,
                result.longestPrefix(), result.unplaceable(), key);
    }
}
