package io.physalia.simworld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimSchedulerTest {
    private final SimScheduler scheduler = new SimScheduler();
    private final List<String> trace = new ArrayList<>();

    @Test
    void runsEventsByTimeThenBySchedulingOrder() {
        scheduler.at(5, () -> trace.add("b@5"));
        scheduler.at(3, () -> trace.add("a@3"));
        scheduler.at(5, () -> trace.add("c@5"));
        scheduler.after(0, () -> trace.add("now@0"));

        scheduler.runUntilIdle();

        assertEquals(List.of("now@0", "a@3", "b@5", "c@5"), trace);
        assertEquals(5, scheduler.now());
        assertEquals(4, scheduler.eventsRun());
    }

    @Test
    void eventScheduledForNowFromAnEventRunsAfterEventsAlreadyDueNow() {
        scheduler.at(2, () -> {
            trace.add("first");
            scheduler.after(0, () -> trace.add("third"));
        });
        scheduler.at(2, () -> trace.add("second"));

        scheduler.runUntilIdle();

        assertEquals(List.of("first", "second", "third"), trace);
    }

    @Test
    void timeAdvancesOnlyThroughEvents() {
        scheduler.at(10, () -> trace.add("at " + scheduler.now()));
        assertEquals(0, scheduler.now());
        assertTrue(scheduler.runNext());
        assertEquals(List.of("at 10"), trace);
        assertFalse(scheduler.runNext());
        assertEquals(10, scheduler.now());
    }

    @Test
    void runUntilRunsDueEventsAndStopsAtTheTarget() {
        scheduler.at(5, () -> trace.add("5"));
        scheduler.at(10, () -> trace.add("10"));
        scheduler.at(11, () -> trace.add("11"));

        scheduler.runUntil(10);

        assertEquals(List.of("5", "10"), trace);
        assertEquals(10, scheduler.now());
        assertEquals(1, scheduler.pendingEvents());
        scheduler.runFor(5);
        assertEquals(15, scheduler.now());
        assertEquals(List.of("5", "10", "11"), trace);
    }

    @Test
    void runUntilConditionStopsAsSoonAsItHolds() {
        for (int i = 1; i <= 10; i++) {
            int n = i;
            scheduler.at(i * 10L, () -> trace.add("e" + n));
        }

        assertTrue(scheduler.runUntil(() -> trace.size() == 3, 1_000));
        assertEquals(30, scheduler.now());
        assertFalse(scheduler.runUntil(() -> trace.size() == 100, 55));
        assertEquals(55, scheduler.now(), "a failed wait still spends the time");
        assertEquals(5, trace.size());
    }

    @Test
    void cancelledTimersNeverRun() {
        Timer kept = scheduler.at(1, () -> trace.add("kept"));
        Timer cancelled = scheduler.at(1, () -> trace.add("cancelled"));

        assertTrue(cancelled.cancel());
        assertFalse(cancelled.cancel(), "second cancel is a no-op");
        assertFalse(cancelled.isPending());
        assertEquals(1, scheduler.pendingEvents());
        scheduler.runUntilIdle();

        assertEquals(List.of("kept"), trace);
        assertFalse(kept.isPending());
        assertFalse(kept.cancel(), "cannot cancel what already ran");
    }

    @Test
    void manyCancelledTimersAreSweptWithoutChangingOrder() {
        List<Timer> timers = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            int n = i;
            timers.add(scheduler.at(1 + i % 7, () -> trace.add("t" + n)));
        }
        for (int i = 0; i < timers.size(); i++) {
            if (i % 10 != 0) {
                timers.get(i).cancel();
            }
        }
        assertEquals(500, scheduler.pendingEvents());
        scheduler.runUntilIdle();
        assertEquals(500, trace.size());
        List<String> expected = new ArrayList<>();
        for (int due = 1; due <= 7; due++) {
            for (int i = 0; i < 5_000; i += 10) {
                if (1 + i % 7 == due) {
                    expected.add("t" + i);
                }
            }
        }
        assertEquals(expected, trace);
    }

    @Test
    void hooksRunAfterEveryEvent() {
        scheduler.afterEachEvent(() -> trace.add("check@" + scheduler.now()));
        scheduler.at(1, () -> trace.add("e1"));
        scheduler.at(2, () -> trace.add("e2"));

        scheduler.runUntilIdle();

        assertEquals(List.of("e1", "check@1", "e2", "check@2"), trace);
    }

    @Test
    void aFailingHookStopsTheRun() {
        scheduler.afterEachEvent(() -> {
            if (scheduler.now() == 2) {
                throw new IllegalStateException("invariant broken");
            }
        });
        scheduler.at(1, () -> trace.add("e1"));
        scheduler.at(2, () -> trace.add("e2"));
        scheduler.at(3, () -> trace.add("e3"));

        assertThrows(IllegalStateException.class, scheduler::runUntilIdle);
        assertEquals(List.of("e1", "e2"), trace);
    }

    @Test
    void eventLimitFailsLoudlyOnALivelock() {
        scheduler.setEventLimit(1_000);
        Runnable[] forever = new Runnable[1];
        forever[0] = () -> scheduler.after(1, forever[0]);
        scheduler.after(1, forever[0]);

        EventLimitExceeded failure = assertThrows(EventLimitExceeded.class, scheduler::runUntilIdle);
        assertTrue(failure.getMessage().contains("1000 events"), failure.getMessage());
        assertEquals(1_000, scheduler.eventsRun());
    }

    @Test
    void rejectsThePastNegativeDelaysAndNesting() {
        scheduler.runUntil(10);
        assertThrows(IllegalArgumentException.class, () -> scheduler.at(9, () -> {}));
        assertThrows(IllegalArgumentException.class, () -> scheduler.after(-1, () -> {}));
        assertThrows(IllegalArgumentException.class, () -> scheduler.runUntil(5));
        assertThrows(IllegalArgumentException.class, () -> scheduler.setEventLimit(0));
        scheduler.after(1, scheduler::runNext);
        assertThrows(IllegalStateException.class, scheduler::runNext);
    }

    @Test
    void sameSeedReplaysTheSameTraceAndAnotherSeedDoesNot() {
        assertEquals(randomWorkload(42), randomWorkload(42));
        assertTrue(!randomWorkload(42).equals(randomWorkload(43)));
    }

    /** A little chaotic workload: events that schedule random follow-ups and cancel each other. */
    private static List<String> randomWorkload(long seed) {
        SimScheduler scheduler = new SimScheduler();
        SimRandom random = new SimRandom(seed);
        List<String> trace = new ArrayList<>();
        List<Timer> timers = new ArrayList<>();
        for (int actor = 0; actor < 5; actor++) {
            int a = actor;
            Runnable[] step = new Runnable[1];
            step[0] = () -> {
                trace.add(scheduler.now() + ":" + a);
                if (trace.size() < 500) {
                    timers.add(scheduler.after(random.between(0, 20), step[0]));
                    if (random.chance(0.2)) {
                        random.pick(timers).cancel();
                    }
                }
            };
            scheduler.after(random.between(0, 5), step[0]);
        }
        scheduler.runUntilIdle();
        return trace;
    }
}
