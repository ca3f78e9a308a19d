package io.physalia.simworld;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimSeedsTest {

    @Test
    void aSingleSeedOverridesTheCount() {
        assertArrayEquals(new long[] {42}, SimSeeds.select("42", "2000", 10));
        assertArrayEquals(new long[] {0, 1, 2}, SimSeeds.select("", "3", 10));
        assertArrayEquals(new long[] {0, 1}, SimSeeds.select(null, null, 2));
        assertThrows(IllegalArgumentException.class, () -> SimSeeds.select("x", null, 2));
        assertThrows(IllegalArgumentException.class, () -> SimSeeds.select(null, "0", 2));
        assertTrue(SimSeeds.fromSystemProperties(5).length >= 1);
    }

    @Test
    void aFailureNamesItsSeedAndStopsTheSwarm() {
        List<Long> ran = new ArrayList<>();
        IllegalStateException cause = new IllegalStateException("boom");
        AssertionError failure = assertThrows(AssertionError.class, () -> SimSeeds.forEach(new long[] {1, 2, 3}, seed -> {
            ran.add(seed);
            if (seed == 2) {
                throw cause;
            }
        }));
        assertEquals(List.of(1L, 2L), ran);
        assertTrue(failure.getMessage().contains("seed 2 (replay: -Dsimworld.seed=2): boom"), failure.getMessage());
        assertSame(cause, failure.getCause());
    }
}
