package io.physalia.simworld.linearizability;

import java.util.List;

/**
 * The checker's verdict. For NOT_LINEARIZABLE, {@code longestPrefix} is the longest sequence of
 * operations it could linearize (in the failing partition) and {@code unplaceable} the completed
 * operation that no extension of that prefix could fit before its response; both are empty/null
 * otherwise. {@code partitionKey} names the partition the verdict comes from when the check was
 * partitioned (null otherwise, and for LINEARIZABLE).
 */
public record CheckResult<I, O>(
        Verdict verdict,
        String explanation,
        long statesExplored,
        List<Operation<I, O>> longestPrefix,
        Operation<I, O> unplaceable,
        Object partitionKey) {

    public enum Verdict {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The exploration bound was hit first; says nothing either way. */
        INCONCLUSIVE
    }

    public CheckResult {
        longestPrefix = List.copyOf(longestPrefix);
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    @Override
    public String toString() {
        return verdict + ": " + explanation;
    }
}
