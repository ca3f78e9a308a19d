package io.physalia.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void fullJitterStaysUnderTheExponentialCeilingAndTheCap() {
        Backoff b = new Backoff(50, 2000);
        Random r = new Random(1);
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = Math.min(2000, attempt >= 30 ? 2000 : 50L << attempt);
            long max = 0;
            for (int i = 0; i < 500; i++) {
                long d = b.delayMillis(attempt, r);
                assertTrue(d >= 0 && d <= ceiling, "attempt " + attempt + ": " + d);
                max = Math.max(max, d);
            }
            assertTrue(max > ceiling / 2, "jitter should spread over the whole range");
        }
    }

    @Test
    void quotesJson() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.quote("a\"b\\c\n\u0001"));
    }
}
