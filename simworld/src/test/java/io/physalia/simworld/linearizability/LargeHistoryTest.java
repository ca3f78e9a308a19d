package io.physalia.simworld.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.simworld.SimRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Histories of the size a SimWorld run produces: thousands of operations, low concurrency. */
class LargeHistoryTest {
    private final KvModel model = new KvModel();

    @Test
    void checksThousandsOfOperationsQuickly() {
        History<KvOp, Long> history = KvWorkload.generate(new SimRandom(1), 5, 800, List.of("a", "b", "c", "d"), 0.002, false);
        assertTrue(history.size() > 1_000, "history has " + history.size() + " operations");

        CheckResult<KvOp, Long> whole = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> LinearizabilityChecker.check(history, model, 10_000_000));
        CheckResult<KvOp, Long> split = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> LinearizabilityChecker.check(history, model, KvOp::key, 10_000_000));

        assertEquals(CheckResult.Verdict.LINEARIZABLE, whole.verdict(), whole.explanation());
        assertEquals(CheckResult.Verdict.LINEARIZABLE, split.verdict(), split.explanation());
    }

    @Test
    void findsOneBadReadAmongThousands() {
        History<KvOp, Long> history = KvWorkload.generate(new SimRandom(2), 5, 800, List.of("a", "b"), 0.0, false);
        // A read far beyond anything written: impossible wherever it is placed.
        int late = history.invoke("late", new KvOp.Get("a"), Long.MAX_VALUE - 1);
        history.ok(late, 1_000_000L, Long.MAX_VALUE);

        CheckResult<KvOp, Long> result = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> LinearizabilityChecker.check(history, model, KvOp::key, 10_000_000));

        assertEquals(CheckResult.Verdict.NOT_LINEARIZABLE, result.verdict());
        assertEquals(late, result.unplaceable().id());
    }
}
