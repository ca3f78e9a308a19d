package io.physalia.simworld.linearizability;

import static io.physalia.simworld.linearizability.CheckResult.Verdict.INCONCLUSIVE;
import static io.physalia.simworld.linearizability.CheckResult.Verdict.LINEARIZABLE;
import static io.physalia.simworld.linearizability.CheckResult.Verdict.NOT_LINEARIZABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private static final long BOUND = 1_000_000;
    private final KvModel model = new KvModel();
    private final History<KvOp, Long> history = new History<>();

    private static KvOp put(String key, long value) {
        return new KvOp.Put(key, value);
    }

    private static KvOp get(String key) {
        return new KvOp.Get(key);
    }

    private static KvOp inc(String key) {
        return new KvOp.Increment(key, 1);
    }

    /** Records a complete operation with no concurrency: invoke at t, respond at t + 1. */
    private int sequential(String process, KvOp input, long output, long t) {
        int id = history.invoke(process, input, t);
        history.ok(id, output, t + 1);
        return id;
    }

    private CheckResult<KvOp, Long> check() {
        return LinearizabilityChecker.check(history, model, BOUND);
    }

    @Test
    void aCorrectConcurrentHistoryPasses() {
        int write = history.invoke("c1", put("x", 1), 0);
        int readNew = history.invoke("c2", get("x"), 2);
        int readOld = history.invoke("c3", get("x"), 3);
        history.ok(readOld, 0L, 4);   // ordered before the write took effect
        history.ok(readNew, 1L, 5);   // ordered after it: both overlap the write
        history.ok(write, 1L, 10);
        int a = history.invoke("c1", inc("x"), 11);
        int b = history.invoke("c2", inc("x"), 11);
        history.ok(b, 2L, 12);        // b went first although a was invoked first
        history.ok(a, 3L, 13);
        sequential("c3", get("x"), 3, 14);

        CheckResult<KvOp, Long> result = check();

        assertEquals(LINEARIZABLE, result.verdict(), result.explanation());
        assertTrue(result.isLinearizable());
    }

    @Test
    void aStaleReadIsFlagged() {
        sequential("c1", put("x", 1), 1, 0);
        sequential("c1", put("x", 2), 2, 2);
        int stale = sequential("c2", get("x"), 1, 4);

        CheckResult<KvOp, Long> result = check();

        assertEquals(NOT_LINEARIZABLE, result.verdict());
        assertEquals(stale, result.unplaceable().id());
        assertEquals(2, result.longestPrefix().size());
        assertTrue(result.explanation().contains("#2 c2 get(x) -> 1"), result.explanation());
        assertTrue(result.explanation().contains("longest linearizable prefix has 2"), result.explanation());
    }

    @Test
    void aLostWriteIsFlagged() {
        sequential("c1", put("x", 7), 7, 0);
        sequential("c2", get("x"), 0, 5);

        assertEquals(NOT_LINEARIZABLE, check().verdict());
    }

    @Test
    void aDuplicatedApplyIsFlagged() {
        sequential("c1", inc("x"), 1, 0);
        sequential("c2", get("x"), 2, 5);   // the single increment counted twice

        assertEquals(NOT_LINEARIZABLE, check().verdict());
    }

    @Test
    void anIndeterminateWriteThatTookEffectPasses() {
        history.invoke("c1", put("x", 1), 0);   // no response ever
        sequential("c2", get("x"), 0, 3);        // not yet applied
        sequential("c2", get("x"), 1, 50);       // applied long after the client gave up

        assertEquals(LINEARIZABLE, check().verdict());
    }

    @Test
    void anIndeterminateWriteThatNeverTookEffectPasses() {
        history.invoke("c1", put("x", 1), 0);
        sequential("c2", get("x"), 0, 3);
        sequential("c2", get("x"), 0, 50);

        assertEquals(LINEARIZABLE, check().verdict());
    }

    @Test
    void anIndeterminateWriteCannotTakeEffectBeforeItWasInvokedOrTwice() {
        sequential("c2", get("x"), 1, 0);
        history.invoke("c1", put("x", 1), 5);
        assertEquals(NOT_LINEARIZABLE, check().verdict(), "effect before invocation");

        History<KvOp, Long> flipFlop = new History<>();
        flipFlop.invoke("c1", put("x", 1), 0);
        int r1 = flipFlop.invoke("c2", get("x"), 1);
        flipFlop.ok(r1, 1L, 2);
        int r2 = flipFlop.invoke("c2", get("x"), 3);
        flipFlop.ok(r2, 0L, 4);
        assertEquals(NOT_LINEARIZABLE, LinearizabilityChecker.check(flipFlop, model, BOUND).verdict(), "un-applied");
    }

    @Test
    void definitelyFailedOperationsAreIgnored() {
        int failed = history.invoke("c1", put("x", 1), 0);
        history.fail(failed, 1);
        sequential("c2", get("x"), 0, 2);

        assertEquals(LINEARIZABLE, check().verdict());
    }

    @Test
    void anEmptyHistoryIsLinearizable() {
        assertEquals(LINEARIZABLE, check().verdict());
        history.invoke("c1", put("x", 1), 0);
        assertEquals(LINEARIZABLE, check().verdict(), "only indeterminate operations");
    }

    @Test
    void hittingTheBoundIsInconclusiveNeverAWrongVerdict() {
        // Twenty concurrent increments with every output in reverse: linearizable, but only
        // after the search has tried many orders.
        int[] ids = new int[20];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = history.invoke("c" + i, inc("x"), 0);
        }
        for (int i = 0; i < ids.length; i++) {
            history.ok(ids[i], (long) (ids.length - i), 1);
        }
        CheckResult<KvOp, Long> bounded = LinearizabilityChecker.check(history, model, 10);
        assertEquals(INCONCLUSIVE, bounded.verdict(), bounded.explanation());
        assertEquals(10, bounded.statesExplored());
        assertEquals(LINEARIZABLE, check().verdict());

        sequential("c0", get("x"), 21, 5);   // now impossible
        assertEquals(INCONCLUSIVE, LinearizabilityChecker.check(history, model, 10).verdict());
        assertEquals(NOT_LINEARIZABLE, check().verdict());
    }

    @Test
    void partitionsAreCheckedIndependentlyAndTheFailingOneIsNamed() {
        sequential("c1", put("x", 1), 1, 0);
        sequential("c1", put("y", 5), 5, 2);
        sequential("c2", get("x"), 1, 4);
        sequential("c2", get("y"), 4, 6);   // wrong

        CheckResult<KvOp, Long> result = LinearizabilityChecker.check(history, model, KvOp::key, BOUND);

        assertEquals(NOT_LINEARIZABLE, result.verdict());
        assertEquals("y", result.partitionKey());
        assertTrue(result.explanation().contains("partition y"), result.explanation());
        assertEquals(NOT_LINEARIZABLE, check().verdict(), "unpartitioned agrees");
    }

    @Test
    void partitionedAndWholeChecksAgreeOnRandomHistories() {
        for (long seed = 0; seed < 200; seed++) {
            var random = new io.physalia.simworld.SimRandom(seed);
            History<KvOp, Long> h = KvWorkload.generate(random, 4, 6, java.util.List.of("x", "y", "z"), 0.1, random.chance(0.5));
            var whole = LinearizabilityChecker.check(h, model, BOUND).verdict();
            var split = LinearizabilityChecker.check(h, model, KvOp::key, BOUND).verdict();
            assertEquals(whole, split, "seed " + seed);
        }
    }

    @Test
    void theSameHistoryGetsTheSameAnswerEveryTime() {
        sequential("c1", put("x", 1), 1, 0);
        sequential("c1", put("x", 2), 2, 2);
        sequential("c2", get("x"), 1, 4);
        CheckResult<KvOp, Long> first = check();
        CheckResult<KvOp, Long> second = check();
        assertEquals(first, second);
        assertNotEquals(LINEARIZABLE, first.verdict());
    }

    @Test
    void historiesMustBeRecordedInOrderAndCompletedOnce() {
        int id = history.invoke("c1", put("x", 1), 10);
        assertThrows(IllegalArgumentException.class, () -> history.invoke("c2", get("x"), 9));
        assertThrows(NullPointerException.class, () -> history.ok(id, null, 11));
        history.ok(id, 1L, 11);
        assertThrows(IllegalStateException.class, () -> history.ok(id, 1L, 12));
        assertThrows(IllegalStateException.class, () -> history.fail(id, 12));
        assertThrows(IndexOutOfBoundsException.class, () -> history.ok(5, 1L, 12));
        assertThrows(IllegalArgumentException.class, () -> LinearizabilityChecker.check(history, model, 0));
        Operation<KvOp, Long> op = history.operations().getFirst();
        assertSame(Operation.Outcome.OK, op.outcome());
        assertEquals(Map.of(), model.initial());
    }
}
