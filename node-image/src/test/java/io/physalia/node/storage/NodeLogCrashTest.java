package io.physalia.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.paxos.DurableRecord;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real fsync, real kill -9: a child JVM appends and acknowledges records and is killed at a
 * random moment, again and again; after every kill, every acknowledged record must be there.
 */
class NodeLogCrashTest {
    static final int CYCLES = Integer.getInteger("physalia.crashCycles", 20);

    @Test
    void everyAcknowledgedRecordSurvivesKillMinus9(@TempDir Path dir) throws Exception {
        Random random = new Random(42);
        Map<String, Long> ackedUpTo = new HashMap<>();
        long totalAcks = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Map<String, Long> acked = new ConcurrentHashMap<>();
            Process p = new ProcessBuilder(ChildJvm.command(AppendWorker.class, List.of(),
                    List.of(dir.toString(), "6", "65536")))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.equals("READY")) {
                            ready.countDown();
                        } else if (line.startsWith("ACK ")) {
                            String[] f = line.split(" ");
                            acked.merge(f[1], Long.parseLong(f[2]), Math::max);
                        }
                    }
                } catch (Exception ignored) {
                    // the child was killed
                }
            });
            reader.start();
            assertTrue(ready.await(20, TimeUnit.SECONDS), "worker did not start");
            Thread.sleep(20 + random.nextInt(250));
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
            acked.forEach((c, s) -> ackedUpTo.merge(c, s, Math::max));
            totalAcks += acked.size();

            try (NodeLog log = NodeLog.open(dir, 65536, 0)) {
                LogScan rec = log.recovered();
                assertFalse(rec.unknownDamage(), "cycle " + cycle + ": damage in the middle of the log");
                assertTrue(rec.damagedCells().isEmpty(), "cycle " + cycle + ": refused " + rec.damagedCells());
                for (var e : ackedUpTo.entrySet()) {
                    List<DurableRecord> records = rec.cells().getOrDefault(e.getKey(), List.of());
                    assertTrue(records.size() >= e.getValue(), "cycle " + cycle + ": " + e.getKey() + " acknowledged "
                            + e.getValue() + " records but only " + records.size() + " survived");
                    for (int i = 0; i < records.size(); i++) {
                        assertEquals(i + 1, ((DurableRecord.Chosen) records.get(i)).slot(), "records in order");
                    }
                }
            }
        }
        assertTrue(totalAcks > 0, "no record was ever acknowledged");
    }
}
