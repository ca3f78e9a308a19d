package io.physalia.simworld.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.simworld.SimRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with the definition applied literally (every admissible order) on many
 * small random histories, about half of them corrupted, so both verdicts are exercised.
 */
class LinearizabilityCrossCheckTest {
    private final KvModel model = new KvModel();

    @Test
    void agreesWithBruteForceOnSmallRandomHistories() {
        int violations = 0;
        int indeterminate = 0;
        for (long seed = 0; seed < 3_000; seed++) {
            SimRandom random = new SimRandom(seed);
            History<KvOp, Long> history = KvWorkload.generate(
                    random, 3, 3, List.of("x", "y"), 0.15, random.chance(0.5));
            boolean expected = new BruteForceLinearizability(history).isLinearizable();
            CheckResult<KvOp, Long> result = LinearizabilityChecker.check(history, model, 1_000_000);
            assertEquals(expected ? CheckResult.Verdict.LINEARIZABLE : CheckResult.Verdict.NOT_LINEARIZABLE,
                    result.verdict(), "seed " + seed + ": " + history.operations());
            violations += expected ? 0 : 1;
            indeterminate += (int) history.operations().stream().filter(o -> o.outcome() == Operation.Outcome.INDETERMINATE).count();
        }
        assertTrue(violations > 300, "the corpus must contain violations, had " + violations);
        assertTrue(indeterminate > 300, "and indeterminate operations, had " + indeterminate);
    }

    @Test
    void uncorruptedHistoriesFromAnAtomicMapAlwaysPass() {
        for (long seed = 0; seed < 500; seed++) {
            History<KvOp, Long> history = KvWorkload.generate(
                    new SimRandom(seed), 5, 8, List.of("x", "y", "z"), 0.1, false);
            CheckResult<KvOp, Long> result = LinearizabilityChecker.check(history, model, 1_000_000);
            assertEquals(CheckResult.Verdict.LINEARIZABLE, result.verdict(), "seed " + seed + ": " + result.explanation());
        }
    }
}
