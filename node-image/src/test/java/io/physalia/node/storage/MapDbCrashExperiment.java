package io.physalia.node.storage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.node.local.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The measurement behind the checkpoint store's design (docs/node.md), not a CI test: MapDB
 * killed with kill -9 while it writes, with and without its own transactions. Run with
 * {@code -Dphysalia.mapdbCrashCycles=N}.
 */
@EnabledIfSystemProperty(named = "physalia.mapdbCrashCycles", matches = "\\d+")
class MapDbCrashExperiment {
    static final int CYCLES = Integer.getInteger("physalia.mapdbCrashCycles", 0);

    @Test
    void mapDbTransactionsUnderKillMinus9(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tx.mapdb");
        Random random = new Random(1);
        int openFailures = 0;
        int lostAcks = 0;
        long acked = 0;
        long commits = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            long before = acked;
            acked = Math.max(acked, runAndKill("tx", file, random));
            commits += acked - before;
            try (DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().transactionEnable().make()) {
                long n = db.treeMap("counter", Serializer.STRING, Serializer.LONG).createOrOpen().getOrDefault("n", 0L);
                db.treeMap("cells", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen().forEach((k, v) -> { });
                if (n < acked) {
                    lostAcks++;
                }
            } catch (RuntimeException e) {
                openFailures++;
                String where = java.util.Arrays.stream(e.getStackTrace())
                        .filter(f -> f.getClassName().startsWith("org.mapdb")).limit(2)
                        .map(StackTraceElement::toString).reduce((x, y) -> x + " < " + y).orElse("?");
                System.out.println("cycle " + cycle + ": MapDB with transactions does not open after kill -9: " + e
                        + " in " + where);
                java.nio.file.Files.list(dir).forEach(f -> f.toFile().delete()); // start over with a new file
                acked = 0;
            }
        }
        System.out.printf("MapDB transactions: %d kill -9 cycles, %d failed to open, %d lost an acknowledged commit, "
                + "%d commits acknowledged%n", CYCLES, openFailures, lostAcks, commits);
    }

    @Test
    void mapDbWithoutTransactionsRefusesAFileKilledMidWrite(@TempDir Path dir) throws Exception {
        Random random = new Random(2);
        int refused = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Path file = dir.resolve("plain-" + cycle + ".mapdb");
            runAndKill("plain", file, random);
            try (DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().readOnly().make()) {
                db.treeMap("cells", Serializer.STRING, Serializer.BYTE_ARRAY).open().forEach((k, v) -> { });
            } catch (RuntimeException e) {
                refused++;
            }
        }
        System.out.printf("MapDB without transactions: %d files killed mid-write, %d refused to open%n", CYCLES, refused);
        assertTrue(refused == CYCLES, "a file killed mid-write opened without complaint");
    }

    /** Starts the worker, kills it with kill -9 after a random moment, returns the last commit it acknowledged. */
    private static long runAndKill(String mode, Path file, Random random) throws Exception {
        AtomicLong acked = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(1);
        Process p = new ProcessBuilder(ChildJvm.command(MapDbWorker.class, List.of("--enable-native-access=ALL-UNNAMED"),
                List.of(mode, file.toString())))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("READY")) {
                        ready.countDown();
                    } else if (line.startsWith("ACK ")) {
                        acked.set(Long.parseLong(line.substring(4)));
                    }
                }
            } catch (Exception ignored) {
                // killed
            }
        });
        reader.start();
        assertTrue(ready.await(60, TimeUnit.SECONDS), "worker did not start");
        Thread.sleep(500 + random.nextInt(2500));
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        reader.join(5000);
        return acked.get();
    }
}
