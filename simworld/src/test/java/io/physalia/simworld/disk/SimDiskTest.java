package io.physalia.simworld.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.simworld.SimRandom;
import io.physalia.simworld.SimScheduler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimDiskTest {
    private final SimScheduler scheduler = new SimScheduler();
    private final SimDisk<String> disk = new SimDisk<>(scheduler, new SimRandom(8));
    private final List<String> events = new ArrayList<>();

    private static List<Stored<String>> ok(String... records) {
        List<Stored<String>> stored = new ArrayList<>();
        for (String record : records) {
            stored.add(new Stored.Ok<>(record));
        }
        return stored;
    }

    @Test
    void syncMakesEarlierAppendsDurableAfterTheLatency() {
        disk.setSyncLatency(5, 5);
        disk.append("r1");
        disk.append("r2");
        disk.sync(() -> events.add("durable@" + scheduler.now()));
        disk.append("r3");
        assertEquals(0, disk.durableCount());
        assertEquals(ok("r1", "r2", "r3"), disk.records(), "a running node reads its own writes");

        scheduler.runUntilIdle();

        assertEquals(List.of("durable@5"), events);
        assertEquals(2, disk.durableCount());
    }

    @Test
    void crashLosesUnsyncedRecordsButKeepsSyncedOnes() {
        disk.append("r1");
        disk.sync(() -> events.add("synced r1"));
        scheduler.runUntilIdle();
        disk.append("r2");
        disk.append("r3");

        disk.crash();

        assertEquals(ok("r1"), disk.records());
        assertEquals(List.of("synced r1"), events);
        DiskStats stats = disk.stats();
        assertEquals(3, stats.appends());
        assertEquals(2, stats.lostOnCrash());
        assertEquals(1, stats.crashes());
    }

    @Test
    void crashDuringASyncLosesItsRecordsAndItsCallbackNeverRuns() {
        disk.setSyncLatency(10, 10);
        disk.append("r1");
        disk.sync(() -> events.add("never"));
        scheduler.runUntil(5);

        disk.crash();
        scheduler.runUntilIdle();

        assertTrue(events.isEmpty());
        assertTrue(disk.records().isEmpty());
        assertEquals(1, disk.stats().syncsRequested());
        assertEquals(0, disk.stats().syncsCompleted());
        assertEquals(0, scheduler.pendingEvents(), "the abandoned sync left no event behind");

        disk.append("r2");
        disk.sync(() -> events.add("after restart"));
        scheduler.runUntilIdle();
        assertEquals(List.of("after restart"), events);
        assertEquals(ok("r2"), disk.records());
    }

    @Test
    void syncsCompleteInRequestOrderEvenWithRandomLatency() {
        disk.setSyncLatency(1, 100);
        for (int i = 0; i < 50; i++) {
            disk.append("r" + i);
            int n = i;
            disk.sync(() -> events.add("s" + n));
        }
        scheduler.runUntilIdle();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("s" + i);
        }
        assertEquals(expected, events);
        assertEquals(50, disk.durableCount());
    }

    @Test
    void aSlowDiskDelaysDurability() {
        disk.setSyncLatency(200, 300);
        disk.append("r");
        disk.sync(() -> events.add("durable@" + scheduler.now()));
        scheduler.runUntilIdle();
        long at = Long.parseLong(events.getFirst().substring("durable@".length()));
        assertTrue(at >= 200 && at <= 300, "durable at " + at);
    }

    @Test
    void corruptedRecordsReadBackAsCorruptAndSurviveCrashes() {
        disk.append("r0");
        disk.append("r1");
        disk.append("r2");
        disk.sync(() -> {});
        scheduler.runUntilIdle();

        disk.corrupt(1);
        disk.crash();

        List<Stored<String>> records = disk.records();
        assertEquals(3, records.size());
        assertEquals(new Stored.Ok<>("r0"), records.get(0));
        assertTrue(records.get(1).isCorrupt());
        assertFalse(records.get(2).isCorrupt());
        assertThrows(IndexOutOfBoundsException.class, () -> disk.corrupt(3));
    }

    @Test
    void aTornWriteLeavesACorruptTail() {
        disk.setTornWriteProbability(1.0);
        disk.append("r0");
        disk.sync(() -> {});
        scheduler.runUntilIdle();
        disk.append("r1");
        disk.append("r2");

        disk.crash();

        List<Stored<String>> records = disk.records();
        assertEquals(2, records.size());
        assertEquals(new Stored.Ok<>("r0"), records.get(0));
        assertTrue(records.get(1).isCorrupt());
        assertEquals(2, disk.stats().lostOnCrash());
    }

    @Test
    void aFullDiskRejectsAppends() {
        disk.setCapacity(2);
        assertTrue(disk.append("r1"));
        assertTrue(disk.append("r2"));
        assertFalse(disk.append("r3"));
        assertEquals(2, disk.size());
        assertEquals(1, disk.stats().appendsRejected());
        disk.setCapacity(3);
        assertTrue(disk.append("r3"));
    }

    @Test
    void wipeLeavesAnEmptyDevice() {
        disk.append("r1");
        disk.sync(() -> events.add("never"));
        disk.wipe();
        scheduler.runUntilIdle();
        assertTrue(disk.records().isEmpty());
        assertTrue(events.isEmpty());
    }

    @Test
    void validatesKnobs() {
        assertThrows(IllegalArgumentException.class, () -> disk.setSyncLatency(3, 2));
        assertThrows(IllegalArgumentException.class, () -> disk.setSyncLatency(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> disk.setCapacity(-1));
        assertThrows(IllegalArgumentException.class, () -> disk.setTornWriteProbability(2));
        assertThrows(NullPointerException.class, () -> disk.append(null));
    }
}
