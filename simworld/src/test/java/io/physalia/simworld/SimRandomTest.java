package io.physalia.simworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SimRandomTest {

    @Test
    void sameSeedSameStream() {
        SimRandom a = new SimRandom(7);
        SimRandom b = new SimRandom(7);
        for (int i = 0; i < 100; i++) {
            assertEquals(a.between(-5, 5), b.between(-5, 5));
            assertEquals(a.chance(0.5), b.chance(0.5));
        }
        assertEquals(7, a.seed());
        assertEquals("SimRandom[seed=7]", a.toString());
    }

    @Test
    void forksAreReproducibleAndIndependentOfLaterDraws() {
        SimRandom parent1 = new SimRandom(1);
        SimRandom parent2 = new SimRandom(1);
        SimRandom fork1 = parent1.fork();
        SimRandom fork2 = parent2.fork();
        parent1.nextLong(); // extra draws on the parent do not disturb the fork
        assertEquals(fork1.seed(), fork2.seed());
        assertEquals(fork1.nextLong(), fork2.nextLong());
    }

    @Test
    void betweenIsInclusiveAndHandlesExtremes() {
        SimRandom random = new SimRandom(3);
        boolean sawLo = false;
        boolean sawHi = false;
        for (int i = 0; i < 1_000; i++) {
            long v = random.between(1, 3);
            assertTrue(v >= 1 && v <= 3);
            sawLo |= v == 1;
            sawHi |= v == 3;
        }
        assertTrue(sawLo && sawHi);
        assertEquals(9, random.between(9, 9));
        assertTrue(random.between(Long.MAX_VALUE - 1, Long.MAX_VALUE) >= Long.MAX_VALUE - 1);
        random.between(Long.MIN_VALUE, Long.MAX_VALUE); // must not throw
        assertThrows(IllegalArgumentException.class, () -> random.between(2, 1));
    }

    @Test
    void chanceAtTheEdges() {
        SimRandom random = new SimRandom(5);
        for (int i = 0; i < 1_000; i++) {
            assertFalse(random.chance(0));
            assertTrue(random.chance(1));
        }
        assertThrows(IllegalArgumentException.class, () -> random.chance(1.5));
        assertThrows(IllegalArgumentException.class, () -> random.chance(-0.1));
        assertThrows(IllegalArgumentException.class, () -> random.chance(Double.NaN));
    }

    @Test
    void jitterStaysWithinTheFraction() {
        SimRandom random = new SimRandom(11);
        for (int i = 0; i < 1_000; i++) {
            long v = random.jitter(100, 0.2);
            assertTrue(v >= 80 && v <= 120, "jitter " + v);
        }
        assertEquals(100, random.jitter(100, 0));
        assertThrows(IllegalArgumentException.class, () -> random.jitter(100, 2));
        assertThrows(IllegalArgumentException.class, () -> random.jitter(-1, 0.1));
    }

    @Test
    void pickAndShuffle() {
        SimRandom random = new SimRandom(13);
        List<Integer> items = new ArrayList<>(IntStream.range(0, 20).boxed().toList());
        assertTrue(items.contains(random.pick(items)));
        assertThrows(IllegalArgumentException.class, () -> random.pick(List.of()));
        List<Integer> shuffled = new ArrayList<>(items);
        random.shuffle(shuffled);
        assertNotEquals(items, shuffled);
        assertEquals(items, shuffled.stream().sorted().toList());
        assertThrows(IllegalArgumentException.class, () -> random.nextLong(0));
        assertThrows(IllegalArgumentException.class, () -> random.nextInt(-1));
    }
}
