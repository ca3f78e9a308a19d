package io.physalia.simworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimClockTest {
    private final SimScheduler scheduler = new SimScheduler();

    @Test
    void aDefaultClockReadsSimulatedTime() {
        SimClock clock = new SimClock(scheduler);
        scheduler.runUntil(1_234);
        assertEquals(1_234, clock.wallMillis());
        assertEquals(1_234, clock.monotonicMillis());
        assertEquals(0, clock.offsetMillis());
    }

    @Test
    void anInitialOffsetShiftsTheReading() {
        SimClock ahead = new SimClock(scheduler, 500);
        SimClock behind = new SimClock(scheduler, -500);
        scheduler.runUntil(1_000);
        assertEquals(1_500, ahead.wallMillis());
        assertEquals(500, behind.wallMillis());
        assertEquals(-500, behind.offsetMillis());
    }

    @Test
    void rateChangesAreContinuousFromTheCurrentReading() {
        SimClock clock = new SimClock(scheduler);
        scheduler.runUntil(100);
        clock.setRate(2.0);
        assertEquals(100, clock.wallMillis(), "no jump at the change");
        scheduler.runUntil(150);
        assertEquals(200, clock.wallMillis());
        clock.setRate(0.5);
        scheduler.runUntil(250);
        assertEquals(250, clock.wallMillis());
        assertEquals(250, clock.monotonicMillis());
        assertEquals(0.5, clock.rate());
    }

    @Test
    void readingsAreFloored() {
        SimClock clock = new SimClock(scheduler);
        clock.setRate(0.3);
        List<Long> readings = new ArrayList<>();
        for (int t = 1; t <= 10; t++) {
            scheduler.runUntil(t);
            readings.add(clock.wallMillis());
        }
        assertEquals(List.of(0L, 0L, 0L, 1L, 1L, 1L, 2L, 2L, 2L, 3L), readings);
    }

    @Test
    void forwardJumpsMoveBothReadings() {
        SimClock clock = new SimClock(scheduler);
        scheduler.runUntil(100);
        clock.jump(1_000);
        assertEquals(1_100, clock.wallMillis());
        assertEquals(1_100, clock.monotonicMillis());
    }

    @Test
    void backwardJumpsMoveOnlyTheWallReading() {
        SimClock clock = new SimClock(scheduler);
        scheduler.runUntil(1_000);
        clock.jump(-600);
        assertEquals(400, clock.wallMillis());
        assertEquals(1_000, clock.monotonicMillis(), "monotonic never goes backward");
        scheduler.runUntil(1_010);
        assertEquals(410, clock.wallMillis());
        assertEquals(1_010, clock.monotonicMillis(), "and keeps ticking");
    }

    @Test
    void skewSetsTheOffsetFromSimulatedTime() {
        SimClock clock = new SimClock(scheduler);
        clock.setRate(1.5);
        scheduler.runUntil(101); // reading 151.5
        clock.skew(-50);
        assertEquals(51, clock.wallMillis());
        assertEquals(-50, clock.offsetMillis());
        assertEquals(151, clock.monotonicMillis());
        clock.skew(1_000);
        assertEquals(1_101, clock.wallMillis());
        assertEquals(1_201, clock.monotonicMillis(), "a forward step of 1050 moves monotonic too");
    }

    @Test
    void monotonicNeverDecreasesUnderRandomAbuse() {
        SimRandom random = new SimRandom(99);
        SimClock clock = new SimClock(scheduler, 1_700_000_000_000L);
        long last = clock.monotonicMillis();
        for (int i = 0; i < 10_000; i++) {
            switch (random.nextInt(3)) {
                case 0 -> clock.setRate(0.01 + random.nextDouble() * 3.99);
                case 1 -> clock.jump(random.between(-5_000, 5_000));
                default -> scheduler.runFor(random.between(0, 50));
            }
            long now = clock.monotonicMillis();
            assertTrue(now >= last, "monotonic went from " + last + " to " + now);
            last = now;
        }
    }

    @Test
    void localTimersAccountForTheRate() {
        SimClock fast = new SimClock(scheduler);
        fast.setRate(3.0);
        SimClock slow = new SimClock(scheduler);
        slow.setRate(0.3);
        assertEquals(4, fast.simMillisFor(10));
        assertEquals(34, slow.simMillisFor(10));
        assertEquals(0, fast.simMillisFor(0));

        List<String> fired = new ArrayList<>();
        long slowStart = slow.monotonicMillis();
        slow.afterLocal(10, () -> fired.add("slow at local " + (slow.monotonicMillis() - slowStart)));
        fast.afterLocal(10, () -> fired.add("fast at sim " + scheduler.now()));
        scheduler.runUntilIdle();
        assertEquals(List.of("fast at sim 4", "slow at local 10"), fired);
    }

    @Test
    void validatesRates() {
        SimClock clock = new SimClock(scheduler);
        assertThrows(IllegalArgumentException.class, () -> clock.setRate(0));
        assertThrows(IllegalArgumentException.class, () -> clock.setRate(-1));
        assertThrows(IllegalArgumentException.class, () -> clock.setRate(4.01));
        assertThrows(IllegalArgumentException.class, () -> clock.setRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> clock.setRate(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> clock.simMillisFor(-1));
        clock.setRate(SimClock.MAX_RATE);
        assertEquals(4.0, clock.rate());
    }
}
