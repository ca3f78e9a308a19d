package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.wire.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The node's checkpoints: each hosted cell's compact durable state, in MapDB, shared by every
 * cell of the node. MapDB runs without its own write-ahead log; crash safety comes from how the
 * files are used, so that no outcome ever depends on MapDB surviving a crash in the middle of a
 * write:
 * <ul>
 *   <li>two MapDB files, {@code a.mapdb} and {@code b.mapdb}; the pointer
 *       ({@link CheckpointPointer}) names the current one. The current file is never opened for
 *       writing: it was closed cleanly and synced before the pointer named it;</li>
 *   <li>a checkpoint writes the next generation into the other (spare) file: first the pointer is
 *       rewritten to say the spare no longer holds anything usable, then the spare is brought up
 *       to date (from the current file, for the cells the current generation changed, or copied
 *       whole if it was not usable), the new checkpoints are written, MapDB closes it, it is
 *       synced, and only then the pointer flips to it. A crash anywhere before the flip leaves
 *       the old generation current and the log segments it does not cover still on disk;</li>
 *   <li>every value carries a CRC32C and its cell id ({@link CheckpointCodec}); each file carries
 *       its generation and covered log position under a checksum, checked against the pointer.</li>
 * </ul>
 */
public final class CheckpointStore {
    public static final String DIR_NAME = "checkpoint";
    private static final String CELLS = "cells";
    private static final String META = "meta";
    private static final String META_KEY = "generation";

    private final Path dir;
    private final RecordCodec codec;
    private volatile CheckpointPointer pointer;
    private volatile long cellCount = -1;

    private CheckpointStore(Path dir, RecordCodec codec, CheckpointPointer pointer) {
        this.dir = dir;
        this.codec = codec;
        this.pointer = pointer;
    }

    /**
     * Opens the store in {@code dir}: reads the pointer and removes what a crash before the first
     * checkpoint left behind.
     *
     * @throws IOException if the pointer is damaged or names a file that is not there
     */
    public static CheckpointStore open(Path dir, RecordCodec codec) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(CheckpointPointer.FILE_NAME + ".tmp"));
        CheckpointPointer p = CheckpointPointer.read(dir);
        if (p == null) {
            // No checkpoint was ever completed: any MapDB file here is from one that crashed.
            Files.deleteIfExists(file(dir, 'a'));
            Files.deleteIfExists(file(dir, 'b'));
        } else if (!Files.exists(file(dir, p.current()))) {
            throw new IOException("checkpoint file " + file(dir, p.current()) + " named by the pointer (generation "
                    + p.generation() + ") is missing; the cells it holds cannot be recovered");
        }
        return new CheckpointStore(dir, codec, p);
    }

    static Path file(Path dir, char which) {
        return dir.resolve(which + ".mapdb");
    }

    /** The generation current now, 0 before the first checkpoint. */
    public long generation() {
        CheckpointPointer p = pointer;
        return p == null ? 0 : p.generation();
    }

    /** The last log segment the current generation holds (0 before the first checkpoint). */
    public long compactedThrough() {
        CheckpointPointer p = pointer;
        return p == null ? 0 : p.compactedThrough();
    }

    /** Cells in the current generation (-1 until loaded or written). */
    public long cellCount() {
        return cellCount;
    }

    /** Bytes of both MapDB files on disk. */
    public long sizeBytes() {
        long n = 0;
        for (char c : new char[] {'a', 'b'}) {
            try {
                n += Files.size(file(dir, c));
            } catch (IOException e) {
                // not there
            }
        }
        return n;
    }

    /** What the current generation holds. */
    public record Loaded(Map<String, List<DurableRecord>> cells, Map<String, String> refused) {}

    /**
     * Reads every cell's checkpoint from the current file. A value that fails its checks refuses
     * that cell (its log segments are gone, so nothing else holds it); a file that cannot be read
     * at all, or whose generation is not the pointer's, stops the node from starting.
     */
    public Loaded load() throws IOException {
        CheckpointPointer p = pointer;
        Map<String, List<DurableRecord>> cells = new LinkedHashMap<>();
        Map<String, String> refused = new TreeMap<>();
        if (p == null) {
            cellCount = 0;
            return new Loaded(cells, refused);
        }
        List<Map.Entry<String, byte[]>> stored = new ArrayList<>();
        try (Opened cur = Opened.readOnly(file(dir, p.current()))) {
            cur.checkMeta(p);
            for (var e : cur.cells.entrySet()) {
                stored.add(Map.entry(e.getKey(), e.getValue()));
            }
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException("checkpoint file " + file(dir, p.current()) + " (generation " + p.generation()
                    + ") cannot be read: " + e, e);
        }
        // Decoding (checksums, records) is most of the work and each value stands alone: use every core.
        List<Object> decoded = stored.parallelStream().map(e -> {
            try {
                return (Object) CheckpointCodec.decode(e.getKey(), e.getValue(), codec);
            } catch (RuntimeException bad) {
                return "its checkpoint is damaged (" + bad.getMessage() + ")";
            }
        }).toList();
        for (int i = 0; i < stored.size(); i++) {
            String cell = stored.get(i).getKey();
            if (decoded.get(i) instanceof CheckpointCodec.Checkpoint c) {
                if (c.refusal() != null) {
                    refused.put(cell, c.refusal());
                } else {
                    cells.put(cell, c.records());
                }
            } else {
                refused.put(cell, (String) decoded.get(i));
            }
        }
        cellCount = cells.size() + refused.size();
        return new Loaded(cells, refused);
    }

    /** Starts a checkpoint: the current generation is open for reading the cells' bases. */
    Writer begin() throws IOException {
        CheckpointPointer p = pointer;
        if (p == null) {
            return new Writer(null, null);
        }
        Opened cur;
        try {
            cur = Opened.readOnly(file(dir, p.current()));
        } catch (RuntimeException e) {
            throw new IOException("checkpoint file " + file(dir, p.current()) + " cannot be read: " + e, e);
        }
        try {
            cur.checkMeta(p);
        } catch (IOException | RuntimeException e) {
            cur.close();
            throw e;
        }
        return new Writer(p, cur);
    }

    /** One checkpoint being written. Used by one thread. */
    final class Writer implements AutoCloseable {
        private final CheckpointPointer from;
        private final Opened current;
        private Opened spare;

        private Writer(CheckpointPointer from, Opened current) {
            this.from = from;
            this.current = current;
        }

        long nextGeneration() {
            return from == null ? 1 : from.generation() + 1;
        }

        /** The cell's checkpoint in the current generation, or null if it has none. */
        CheckpointCodec.Checkpoint base(String cell) {
            if (current == null) {
                return null;
            }
            byte[] v = current.cells.get(cell);
            return v == null ? null : CheckpointCodec.decode(cell, v, codec);
        }

        /**
         * Writes the next generation: the current one with {@code updates} applied (a null value
         * removes the cell), covering the log through segment {@code compactedThrough}; returns once
         * the pointer names it durably.
         */
        void commit(NavigableMap<String, byte[]> updates, long compactedThrough) throws IOException {
            long gen = nextGeneration();
            char target = from == null ? 'a' : from.spare();
            Path file = file(dir, target);
            boolean incremental = from != null && from.spareHoldsPrevious() && Files.exists(file);
            if (from != null && from.spareHoldsPrevious()) {
                // From here on the spare is being changed: never trust it again until it is current.
                new CheckpointPointer(from.generation(), from.current(), from.compactedThrough(), false).write(dir);
                pointer = new CheckpointPointer(from.generation(), from.current(), from.compactedThrough(), false);
            }
            long cells;
            try {
                if (incremental) {
                    cells = updateSpare(file, updates);
                } else {
                    cells = rebuildSpare(file, updates);
                }
                writeMeta(spare, gen, compactedThrough, updates.keySet());
                spare.close();
                spare = null;
            } catch (RuntimeException e) {
                throw new IOException("writing checkpoint file " + file + " failed: " + e, e);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            NodeLog.syncDirectory(dir);
            CheckpointPointer next = new CheckpointPointer(gen, target, compactedThrough, from != null);
            next.write(dir);
            pointer = next;
            cellCount = cells;
        }

        /** The spare holds the generation before the current one: apply the current one's changes, then ours. */
        private long updateSpare(Path file, NavigableMap<String, byte[]> updates) {
            spare = Opened.writable(file, false);
            for (String cell : current.changed()) {
                if (!updates.containsKey(cell)) {
                    byte[] v = current.cells.get(cell);
                    if (v == null) {
                        spare.cells.remove(cell);
                    } else {
                        spare.cells.put(cell, v);
                    }
                }
            }
            for (var e : updates.entrySet()) {
                if (e.getValue() == null) {
                    spare.cells.remove(e.getKey());
                } else {
                    spare.cells.put(e.getKey(), e.getValue());
                }
            }
            return spare.cells.sizeLong();
        }

        /** The spare cannot be trusted: write it whole, merging the current generation with ours in key order. */
        private long rebuildSpare(Path file, NavigableMap<String, byte[]> updates) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            spare = Opened.writable(file, true);
            var sink = spare.db.treeMap(CELLS, Serializer.STRING, Serializer.BYTE_ARRAY).createFromSink();
            Iterator<Map.Entry<String, byte[]>> a = current == null ? java.util.Collections.emptyIterator()
                    : current.cells.entrySet().iterator();
            Iterator<Map.Entry<String, byte[]>> b = updates.entrySet().iterator();
            Map.Entry<String, byte[]> x = a.hasNext() ? a.next() : null;
            Map.Entry<String, byte[]> y = b.hasNext() ? b.next() : null;
            long n = 0;
            while (x != null || y != null) {
                int cmp = x == null ? 1 : y == null ? -1 : x.getKey().compareTo(y.getKey());
                if (cmp < 0) {
                    sink.put(x.getKey(), x.getValue());
                    n++;
                    x = a.hasNext() ? a.next() : null;
                } else {
                    if (y.getValue() != null) {
                        sink.put(y.getKey(), y.getValue());
                        n++;
                    }
                    if (cmp == 0) {
                        x = a.hasNext() ? a.next() : null;
                    }
                    y = b.hasNext() ? b.next() : null;
                }
            }
            spare.cells = sink.create();
            return n;
        }

        /** Gives up: closes what is open. The pointer still names the current generation. */
        @Override
        public void close() {
            if (spare != null) {
                try {
                    spare.close();
                } catch (RuntimeException e) {
                    // the spare is marked unusable already; it is rebuilt next time
                }
                spare = null;
            }
            if (current != null) {
                current.close();
            }
        }
    }

    private static void writeMeta(Opened spare, long generation, long compactedThrough, java.util.Set<String> changed) {
        ByteBuffer b;
        List<byte[]> ids = new ArrayList<>(changed.size());
        int total = 4 + 1 + 8 + 8 + 4;
        for (String c : changed) {
            byte[] id = c.getBytes(StandardCharsets.UTF_8);
            ids.add(id);
            total += 2 + id.length;
        }
        b = ByteBuffer.allocate(total);
        b.putInt(0);
        b.put((byte) 1);
        b.putLong(generation);
        b.putLong(compactedThrough);
        b.putInt(ids.size());
        for (byte[] id : ids) {
            b.putShort((short) id.length);
            b.put(id);
        }
        byte[] out = b.array();
        b.putInt(0, metaCrc(out));
        spare.meta.put(META_KEY, out);
    }

    private static int metaCrc(byte[] meta) {
        CRC32C crc = new CRC32C();
        crc.update(meta, 4, meta.length - 4);
        return (int) crc.getValue();
    }

    /** One MapDB file, open. */
    private static final class Opened implements AutoCloseable {
        final Path file;
        final DB db;
        BTreeMap<String, byte[]> cells;
        final BTreeMap<String, byte[]> meta;

        private Opened(Path file, DB db, BTreeMap<String, byte[]> cells, BTreeMap<String, byte[]> meta) {
            this.file = file;
            this.db = db;
            this.cells = cells;
            this.meta = meta;
        }

        static Opened readOnly(Path file) {
            DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().readOnly().make();
            try {
                return new Opened(file, db, db.treeMap(CELLS, Serializer.STRING, Serializer.BYTE_ARRAY).open(),
                        db.treeMap(META, Serializer.STRING, Serializer.BYTE_ARRAY).open());
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }

        /** Opens {@code file} for writing; a fresh file gets its cells map from a sink later. */
        static Opened writable(Path file, boolean fresh) {
            DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().concurrencyDisable().make();
            try {
                BTreeMap<String, byte[]> cells = fresh ? null
                        : db.treeMap(CELLS, Serializer.STRING, Serializer.BYTE_ARRAY).open();
                return new Opened(file, db, cells, db.treeMap(META, Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen());
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }

        /** Checks that this file holds the generation {@code p} names, under its checksum. */
        void checkMeta(CheckpointPointer p) throws IOException {
            byte[] m = meta.get(META_KEY);
            if (m == null || m.length < 25 || ByteBuffer.wrap(m).getInt(0) != metaCrc(m) || m[4] != 1) {
                throw new IOException("checkpoint file " + file + " has no intact generation record");
            }
            ByteBuffer b = ByteBuffer.wrap(m, 5, m.length - 5);
            long generation = b.getLong();
            long through = b.getLong();
            if (generation != p.generation() || through != p.compactedThrough()) {
                throw new IOException("checkpoint file " + file + " holds generation " + generation + " (log segments through "
                        + through + ") but the pointer names generation " + p.generation() + " (through "
                        + p.compactedThrough() + ")");
            }
        }

        /** The cells the generation in this file changed (written or removed), from its generation record. */
        TreeSet<String> changed() {
            byte[] m = meta.get(META_KEY);
            ByteBuffer b = ByteBuffer.wrap(m, 21, m.length - 21);
            int n = b.getInt();
            TreeSet<String> out = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                int len = b.getShort() & 0xFFFF;
                out.add(new String(m, b.position(), len, StandardCharsets.UTF_8));
                b.position(b.position() + len);
            }
            return out;
        }

        @Override
        public void close() {
            db.close();
        }
    }
}
