package io.physalia.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Replica;
import io.physalia.node.local.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real fsync, real kill -9, with checkpoints and log compaction running all the time: a child JVM
 * appends and acknowledges each cell's next chosen value while tiny segments are folded into
 * MapDB and deleted; it is killed at random moments, half of them just after a checkpoint
 * started. After every kill the storage must open, refuse nothing, and hold every acknowledged
 * value. {@code -Dphysalia.checkpointCrashCycles=N} runs more cycles than CI's few.
 */
class CheckpointCrashTest {
    static final int CYCLES = Integer.getInteger("physalia.checkpointCrashCycles", 6);
    static final long SEGMENT = 8192;
    static final long CHECKPOINT_AFTER = 32768;

    @Test
    void everyAcknowledgedValueSurvivesKillMinus9DuringCheckpoints(@TempDir Path dir) throws Exception {
        Random random = new Random(Long.getLong("physalia.crashSeed", 7));
        Map<String, Long> ackedUpTo = new HashMap<>();
        int midCheckpoint = 0;
        long totalAcks = 0;
        long generation = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            boolean afterCheckpointStart = cycle % 2 == 1;
            Map<String, Long> acked = new ConcurrentHashMap<>();
            AtomicLong started = new AtomicLong(-1);
            AtomicLong done = new AtomicLong(-1);
            CountDownLatch ready = new CountDownLatch(1);
            CountDownLatch checkpointStarted = new CountDownLatch(1);
            AtomicBoolean sawAck = new AtomicBoolean();
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(ChildJvm.command(CheckpointWorker.class,
                    List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED"),
                    List.of(dir.toString(), "6", Long.toString(SEGMENT), Long.toString(CHECKPOINT_AFTER))))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        String[] f = line.split(" ");
                        switch (f[0]) {
                            case "READY" -> ready.countDown();
                            case "ACK" -> {
                                acked.merge(f[1], Long.parseLong(f[2]), Math::max);
                                sawAck.set(true);
                            }
                            case "CKPT-START" -> {
                                started.set(Long.parseLong(f[1]));
                                if (sawAck.get() && Long.parseLong(f[1]) >= 1) {
                                    checkpointStarted.countDown();
                                }
                            }
                            case "CKPT-DONE" -> done.set(Long.parseLong(f[1]));
                            default -> { }
                        }
                    }
                } catch (Exception ignored) {
                    // the child was killed
                }
            });
            reader.start();
            assertTrue(ready.await(60, TimeUnit.SECONDS), "worker did not start");
            long t1 = System.nanoTime();
            if (afterCheckpointStart) {
                assertTrue(checkpointStarted.await(60, TimeUnit.SECONDS), "no checkpoint started");
                Thread.sleep(random.nextInt(15));
            } else {
                Thread.sleep(50 + random.nextInt(400));
            }
            long s = started.get();
            boolean mid = s >= 0 && done.get() < s;
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
            if (mid) {
                midCheckpoint++;
            }
            acked.forEach((c, slot) -> ackedUpTo.merge(c, slot, Math::max));
            totalAcks += acked.values().stream().mapToLong(v -> v).sum();

            long t2 = System.nanoTime();
            try (NodeStorage storage = NodeStorage.open(dir, new StorageOptions(SEGMENT, 1L << 30), Histories.CONFIG)) {
                Recovered rec = storage.recovered();
                assertFalse(rec.refuseAll(), "cycle " + cycle + ": damage in the middle of the log");
                assertTrue(rec.refusedCells().isEmpty(), "cycle " + cycle + ": refused " + rec.refusedCells());
                for (var e : ackedUpTo.entrySet()) {
                    List<DurableRecord> records = rec.cells().get(e.getKey());
                    assertNotNull(records, "cycle " + cycle + ": " + e.getKey() + " is gone");
                    Replica r = CheckpointWorker.recover(records);
                    assertTrue(r.appliedUpTo() > e.getValue(), "cycle " + cycle + ": " + e.getKey() + " acknowledged slot "
                            + e.getValue() + " but recovered only up to " + r.appliedUpTo());
                    assertEquals(Value.ofInt(r.appliedUpTo() - 1), slotValue(r), "cycle " + cycle + ": " + e.getKey()
                            + " state after slot " + (r.appliedUpTo() - 1));
                }
                generation = storage.checkpoints().generation();
            }
            System.out.printf("cycle %d: start %d ms, run %d ms, check %d ms%s%n", cycle, (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000, mid ? ", killed during a checkpoint" : "");
        }
        System.out.printf("checkpoint crash loop: %d kill -9 cycles, %d while a checkpoint was under way, %d acknowledged "
                + "values, checkpoint generation %d%n", CYCLES, midCheckpoint, totalAcks, generation);
        assertTrue(totalAcks > 0, "no value was ever acknowledged");
        assertTrue(generation > 0, "no checkpoint ever completed");
        if (CYCLES >= 6) {
            assertTrue(midCheckpoint > 0, "no kill landed during a checkpoint");
        }
    }

    private static Value slotValue(Replica r) {
        for (OpResult.Entry e : r.state().snapshot(r.appliedUpTo()).data()) {
            if (e.key().equals("slot")) {
                return e.value().value();
            }
        }
        return null;
    }
}
