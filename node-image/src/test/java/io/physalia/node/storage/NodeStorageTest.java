package io.physalia.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Member;
import io.physalia.core.paxos.DurableRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/** Checkpoints and log compaction over real files: the log shrinks and recovery stays the same. */
class NodeStorageTest {
    /** Small segments; checkpoints only when asked. */
    static final StorageOptions MANUAL = new StorageOptions(4096, 1L << 30);

    static NodeStorage open(Path dir, StorageOptions o) throws IOException {
        return NodeStorage.open(dir, o, Histories.CONFIG);
    }

    /** Random histories for {@code cells} cells, written interleaved; returns every cell's records. */
    static Map<String, List<DurableRecord>> writeHistories(NodeStorage s, int cells, int length, long seed,
                                                         Map<String, List<DurableRecord>> into) {
        Random random = new Random(seed);
        Map<String, List<DurableRecord>> todo = new LinkedHashMap<>();
        for (int i = 0; i < cells; i++) {
            String cell = "cell-" + i;
            Histories.Chain chain = new Histories.Chain(cell, 40, new Random(i));
            List<DurableRecord> h = Histories.randomHistory(chain, length, random);
            if (into.containsKey(cell)) {
                h = h.subList(1, h.size()); // continue the same incarnation: no new Identity first
            }
            todo.put(cell, new ArrayList<>(h));
        }
        while (!todo.isEmpty()) {
            List<java.util.concurrent.CompletableFuture<Void>> pass = new ArrayList<>();
            var it = todo.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                DurableRecord r = e.getValue().remove(0);
                pass.add(s.log().append(e.getKey(), List.of(r))); // one thread appends: log order is this order
                into.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
                if (e.getValue().isEmpty()) {
                    it.remove();
                }
            }
            pass.forEach(java.util.concurrent.CompletableFuture::join);
        }
        return into;
    }

    static void assertRecoversAsTheWholeHistory(Recovered rec, Map<String, List<DurableRecord>> written) {
        assertTrue(rec.refusedCells().isEmpty(), "refused: " + rec.refusedCells());
        assertEquals(written.keySet(), rec.cells().keySet());
        for (var e : written.entrySet()) {
            assertEquals(Histories.recover(Histories.fromLatestIdentity(e.getValue())),
                    Histories.recover(rec.cells().get(e.getKey())), e.getKey());
        }
    }

    @Test
    void aCheckpointShrinksTheLogAndRestartRecoversTheSameReplicas(@TempDir Path dir) throws Exception {
        Map<String, List<DurableRecord>> written = new LinkedHashMap<>();
        long before;
        try (NodeStorage s = open(dir, MANUAL)) {
            writeHistories(s, 40, 60, 1, written);
            before = s.log().sizeBytes();
            assertTrue(s.log().segmentCount() > 5, "the log should have rolled: " + s.log().segmentCount());
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertRecoversAsTheWholeHistory(s.recovered(), written);
            assertEquals(0, s.recovered().checkpointedCells());
            Checkpointer.Result r = s.checkpointNow().get();
            assertEquals(1, r.generation());
            assertEquals(40, r.cellsWritten());
            assertEquals(1, s.log().segmentCount(), "every sealed segment is deleted");
            assertEquals(0, s.log().sizeBytes());
            assertEquals(1, Files.list(dir.resolve(NodeLog.DIR_NAME)).count());
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertEquals(40, s.recovered().checkpointedCells());
            assertEquals(0, s.recovered().logEntries());
            assertRecoversAsTheWholeHistory(s.recovered(), written);
            // More records for the same cells, then checkpoints that bring the spare file up to date.
            for (int round = 0; round < 3; round++) {
                writeHistories(s, 40, 30, 2 + round, written);
                s.checkpointNow().get();
            }
            writeHistories(s, 10, 20, 9, written); // and a tail the checkpoint does not hold
            assertTrue(s.log().sizeBytes() < before, "the log holds only the tail now");
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertEquals(4, s.checkpoints().generation());
            assertTrue(s.recovered().logEntries() > 0);
            assertRecoversAsTheWholeHistory(s.recovered(), written);
        }
    }

    @Test
    void automaticCheckpointsKeepRestartEquivalent(@TempDir Path dir) throws Exception {
        Map<String, List<DurableRecord>> written = new LinkedHashMap<>();
        try (NodeStorage s = open(dir, new StorageOptions(4096, 16384))) {
            for (int round = 0; round < 6; round++) {
                writeHistories(s, 30, 40, 100 + round, written);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (s.checkpointer().checkpoints() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(s.checkpointer().checkpoints() >= 2, "checkpoints ran on their own: " + s.checkpointer().checkpoints());
        }
        try (NodeStorage s = open(dir, new StorageOptions(4096, 16384))) {
            assertTrue(s.recovered().checkpointedCells() > 0);
            assertRecoversAsTheWholeHistory(s.recovered(), written);
        }
    }

    @Test
    void aDroppedCellStaysDroppedThroughRestartAndCheckpoint(@TempDir Path dir) throws Exception {
        Map<String, List<DurableRecord>> written = new LinkedHashMap<>();
        try (NodeStorage s = open(dir, MANUAL)) {
            writeHistories(s, 3, 20, 5, written);
            s.checkpointNow().get();
            s.log().appendDrop("cell-1").join();
            written.remove("cell-1");
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertRecoversAsTheWholeHistory(s.recovered(), written);
            s.checkpointNow().get();
            assertEquals(2, s.checkpoints().cellCount());
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertRecoversAsTheWholeHistory(s.recovered(), written);
        }
    }

    @Test
    void damageInASealedSegmentRefusesThatCellInTheCheckpointToo(@TempDir Path dir) throws Exception {
        try (NodeStorage s = open(dir, MANUAL)) {
            s.log().append("a", List.of(identity("a"))).join();
            s.log().append("b", List.of(identity("b"))).join();
            s.log().append("b", List.of(new DurableRecord.Promised(Histories.randomBallot(new Random(3))))).join();
            s.log().append("a", List.of(new DurableRecord.Promised(Histories.randomBallot(new Random(4))))).join();
            s.log().roll().join();
        }
        Path seg = dir.resolve(NodeLog.DIR_NAME).resolve(NodeLog.name(1));
        io.physalia.core.wire.RecordCodec codec = new io.physalia.core.wire.RecordCodec();
        int bSecond = LogEntry.encode("a", codec.encode(identity("a"))).length
                + LogEntry.encode("b", codec.encode(identity("b"))).length;
        flip(seg, bSecond + LogEntry.FIXED_HEADER_BYTES + 1 + 9); // inside b's Promised record, past both headers
        try (NodeStorage s = open(dir, MANUAL)) {
            assertEquals(List.of("b"), List.copyOf(s.recovered().refusedCells().keySet()));
            s.checkpointNow().get();
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertEquals(2, s.recovered().checkpointedCells(), "a and b are both in the checkpoint");
            assertTrue(s.recovered().refusedCells().get("b").contains("damaged"), s.recovered().refusedCells().toString());
            assertTrue(s.recovered().cells().containsKey("a"));
            // Hosting b anew (a new incarnation) clears the refusal.
            s.log().append("b", List.of(identity("b"))).join();
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertTrue(s.recovered().refusedCells().isEmpty());
            assertEquals(1, s.recovered().cells().get("b").size());
        }
    }

    @Test
    void aDamagedCheckpointValueRefusesThatCellOnly(@TempDir Path dir) throws Exception {
        Map<String, List<DurableRecord>> written = new LinkedHashMap<>();
        try (NodeStorage s = open(dir, MANUAL)) {
            writeHistories(s, 3, 20, 6, written);
            s.checkpointNow().get();
        }
        CheckpointPointer p = CheckpointPointer.read(dir.resolve(CheckpointStore.DIR_NAME));
        Path file = CheckpointStore.file(dir.resolve(CheckpointStore.DIR_NAME), p.current());
        DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().make();
        var cells = db.treeMap("cells", Serializer.STRING, Serializer.BYTE_ARRAY).open();
        byte[] v = cells.get("cell-2");
        v[v.length - 5] ^= 1;
        cells.put("cell-2", v);
        byte[] misfiled = cells.get("cell-0");
        cells.put("cell-1", misfiled); // a value under the wrong key
        db.close();
        try (NodeStorage s = open(dir, MANUAL)) {
            Map<String, String> refused = s.recovered().refusedCells();
            assertEquals(List.of("cell-1", "cell-2"), List.copyOf(refused.keySet()));
            assertTrue(refused.get("cell-2").contains("checksum"), refused.toString());
            assertTrue(refused.get("cell-1").contains("belongs to cell 'cell-0'"), refused.toString());
            assertEquals(Histories.recover(Histories.fromLatestIdentity(written.get("cell-0"))),
                    Histories.recover(s.recovered().cells().get("cell-0")));
        }
    }

    @Test
    void aFailedCheckpointKeepsTheOldGenerationAndTheLog(@TempDir Path dir) throws Exception {
        Map<String, List<DurableRecord>> written = new LinkedHashMap<>();
        Path ckpt = dir.resolve(CheckpointStore.DIR_NAME);
        try (NodeStorage s = open(dir, MANUAL)) {
            writeHistories(s, 5, 20, 7, written);
            s.checkpointNow().get(); // generation 1 in a.mapdb
            writeHistories(s, 5, 20, 8, written);
            // The next generation goes to b.mapdb: make it impossible to write there.
            Files.createDirectories(ckpt.resolve("b.mapdb"));
            Files.writeString(ckpt.resolve("b.mapdb").resolve("x"), "in the way");
            var failed = s.checkpointNow();
            Exception e = assertThrows(Exception.class, failed::get);
            assertTrue(e.getMessage().contains("b.mapdb"), e.toString());
            assertEquals(1, s.checkpoints().generation());
            assertTrue(s.log().segmentCount() > 1, "the segments the failed checkpoint read are kept");
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertEquals(1, s.checkpoints().generation());
            assertRecoversAsTheWholeHistory(s.recovered(), written);
            Files.delete(ckpt.resolve("b.mapdb").resolve("x"));
            Files.delete(ckpt.resolve("b.mapdb"));
            assertEquals(2, s.checkpointNow().get().generation());
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertRecoversAsTheWholeHistory(s.recovered(), written);
        }
    }

    @Test
    void aCheckpointInterruptedAfterMarkingTheSpareRebuildsIt(@TempDir Path dir) throws Exception {
        Map<String, List<DurableRecord>> written = new LinkedHashMap<>();
        Path ckpt = dir.resolve(CheckpointStore.DIR_NAME);
        try (NodeStorage s = open(dir, MANUAL)) {
            writeHistories(s, 6, 20, 10, written);
            s.checkpointNow().get();
            writeHistories(s, 6, 20, 11, written);
            s.checkpointNow().get(); // generation 2 in b; a holds generation 1 and may be brought up to date
        }
        CheckpointPointer p = CheckpointPointer.read(ckpt);
        assertTrue(p.spareHoldsPrevious());
        // A crash while the spare was half written: the pointer says so, and the spare is garbage.
        new CheckpointPointer(p.generation(), p.current(), p.compactedThrough(), false).write(ckpt);
        Files.write(CheckpointStore.file(ckpt, p.spare()), new byte[] {1, 2, 3});
        try (NodeStorage s = open(dir, MANUAL)) {
            assertRecoversAsTheWholeHistory(s.recovered(), written);
            writeHistories(s, 3, 10, 12, written);
            assertEquals(3, s.checkpointNow().get().generation());
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertRecoversAsTheWholeHistory(s.recovered(), written);
        }
    }

    @Test
    void aMissingSegmentOrADamagedPointerStopsTheNodeFromStarting(@TempDir Path dir) throws Exception {
        try (NodeStorage s = open(dir, MANUAL)) {
            writeHistories(s, 10, 30, 13, new LinkedHashMap<>());
        }
        Path logDir = dir.resolve(NodeLog.DIR_NAME);
        Files.move(logDir.resolve(NodeLog.name(2)), dir.resolve("elsewhere"));
        IOException e = assertThrows(IOException.class, () -> open(dir, MANUAL));
        assertTrue(e.getMessage().contains(NodeLog.name(2) + " is missing"), e.getMessage());
        Files.move(dir.resolve("elsewhere"), logDir.resolve(NodeLog.name(2)));
        try (NodeStorage s = open(dir, MANUAL)) {
            s.checkpointNow().get();
        }
        Path pointer = dir.resolve(CheckpointStore.DIR_NAME).resolve(CheckpointPointer.FILE_NAME);
        flip(pointer, 12);
        e = assertThrows(IOException.class, () -> open(dir, MANUAL));
        assertTrue(e.getMessage().contains("pointer") && e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void aSingleFileLogFromBeforeSegmentsIsAdopted(@TempDir Path dir) throws Exception {
        Map<String, List<DurableRecord>> written = new LinkedHashMap<>();
        try (NodeStorage s = open(dir, MANUAL)) {
            writeHistories(s, 2, 10, 14, written);
            s.log().roll().join();
        }
        Path logDir = dir.resolve(NodeLog.DIR_NAME);
        Files.move(logDir.resolve(NodeLog.name(1)), dir.resolve(NodeStorage.LEGACY_LOG));
        for (Path p : NodeLog.list(logDir).values()) {
            Files.delete(p);
        }
        try (NodeStorage s = open(dir, MANUAL)) {
            assertFalse(Files.exists(dir.resolve(NodeStorage.LEGACY_LOG)));
            assertRecoversAsTheWholeHistory(s.recovered(), written);
        }
    }

    @Test
    void storageSizesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new StorageOptions(100, 1 << 20));
        assertThrows(IllegalArgumentException.class, () -> new StorageOptions(1 << 20, 4096));
        assertEquals(32L << 20, StorageOptions.parseBytes("32m"));
        assertEquals(4096, StorageOptions.parseBytes("4096"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StorageOptions.parseBytes("12q"));
        assertTrue(e.getMessage().contains("'12q'"));
    }

    static DurableRecord.Identity identity(String cell) {
        return new DurableRecord.Identity(cell, Member.founding("n1"), Histories.MEMBERS);
    }

    static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int v = f.read();
            f.seek(at);
            f.write(v ^ 0x10);
        }
    }
}
