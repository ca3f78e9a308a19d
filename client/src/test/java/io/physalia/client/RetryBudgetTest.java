package io.physalia.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    void retriesAreBoundedByRequestsAndTime() {
        RetryBudget b = new RetryBudget(new RetryBudget.Spec(0.5, 2, 4), now::get);
        for (int i = 0; i < 4; i++) {
            assertTrue(b.tryRetry(), "starts full");
        }
        assertFalse(b.tryRetry(), "empty");
        b.onRequest();
        assertFalse(b.tryRetry(), "half a token is not a retry");
        b.onRequest();
        assertTrue(b.tryRetry(), "two requests earn one retry");
        now.addAndGet(500_000_000L);
        assertTrue(b.tryRetry(), "half a second earns one retry at 2 per second");
        assertFalse(b.tryRetry());
        now.addAndGet(60_000_000_000L);
        assertEquals(4.0, b.tokens(), 1e-9, "saving up stops at the cap");
    }

    @Test
    void badSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RetryBudget.Spec(-1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RetryBudget.Spec(0.1, 1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new RetryBudget.Spec(Double.NaN, 1, 1));
    }
}
