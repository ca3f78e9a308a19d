package io.physalia.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLogRecoveryTest {
    static NodeLog open(Path dir) throws Exception {
        return NodeLog.open(dir, StorageOptions.DEFAULT.segmentBytes(), 0);
    }

    static Path firstSegment(Path dir) {
        return dir.resolve(NodeLog.name(1));
    }

    private static long write(Path dir, String cell, int from, int to) throws Exception {
        try (NodeLog log = open(dir)) {
            for (int i = from; i <= to; i++) {
                log.append(cell, List.of(AppendWorker.record(i))).join();
            }
            return log.sizeBytes();
        }
    }

    @Test
    void tornTailIsCutOffAndAppendsContinue(@TempDir Path dir) throws Exception {
        long size = write(dir, "a", 1, 5);
        try (RandomAccessFile f = new RandomAccessFile(firstSegment(dir).toFile(), "rw")) {
            f.setLength(size - 3); // the last record lost its end
            f.seek(size - 3);
            f.write(new byte[4096]); // and a power loss left zeros after it
        }
        try (NodeLog log = open(dir)) {
            assertEquals(4, log.recovered().cells().get("a").size());
            assertTrue(log.recovered().truncatedBytes() > 0);
            assertTrue(log.recovered().damagedCells().isEmpty());
            log.append("a", List.of(AppendWorker.record(5))).join();
        }
        try (NodeLog log = open(dir)) {
            assertEquals(5, log.recovered().cells().get("a").size());
            assertEquals(0, log.recovered().truncatedBytes());
        }
    }

    @Test
    void damageInTheMiddleRefusesThatCellOnly(@TempDir Path dir) throws Exception {
        write(dir, "a", 1, 1);
        long afterA = Files.size(firstSegment(dir));
        write(dir, "b", 1, 1);
        write(dir, "a", 2, 3);
        try (RandomAccessFile f = new RandomAccessFile(firstSegment(dir).toFile(), "rw")) {
            long inB = afterA + 40; // inside b's record, past its header
            f.seek(inB);
            int v = f.read();
            f.seek(inB);
            f.write(v ^ 0x10);
        }
        try (NodeLog log = open(dir)) {
            assertEquals(Set.of("b"), log.recovered().damagedCells());
            assertFalse(log.recovered().unknownDamage());
            assertEquals(3, log.recovered().cells().get("a").size());
            assertFalse(log.recovered().cells().containsKey("b"));
        }
    }

    @Test
    void damagedHeaderInTheMiddleRefusesEverything(@TempDir Path dir) throws Exception {
        write(dir, "a", 1, 1);
        long afterA = Files.size(firstSegment(dir));
        write(dir, "b", 1, 2);
        try (RandomAccessFile f = new RandomAccessFile(firstSegment(dir).toFile(), "rw")) {
            f.seek(afterA + 3); // inside b's cell id
            f.write('X');
        }
        try (NodeLog log = open(dir)) {
            assertTrue(log.recovered().unknownDamage());
        }
    }

    @Test
    void groupCommitBatchesManyAppendsPerSync(@TempDir Path dir) throws Exception {
        try (NodeLog log = open(dir)) {
            int threads = 16;
            int perThread = 200;
            long t0 = System.nanoTime();
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                String cell = "c" + t;
                ts[t] = new Thread(() -> {
                    for (int i = 1; i <= perThread; i++) {
                        log.append(cell, List.of(AppendWorker.record(i))).join();
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("group commit: %d records, %d syncs in %.2f s: %.0f records/s, %.0f syncs/s%n",
                    log.recordsWritten(), log.syncs(), secs, log.recordsWritten() / secs, log.syncs() / secs);
            assertEquals(threads * perThread, log.recordsWritten());
            assertTrue(log.syncs() < log.recordsWritten(), "group commit should cover several appends per sync");
        }
    }
}
