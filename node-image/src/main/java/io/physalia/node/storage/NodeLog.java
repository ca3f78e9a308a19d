package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.wire.RecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node-wide write-ahead log that every cell hosted on this node writes its durable records
 * to, with group commit: one writer thread (never an event loop) takes every append waiting,
 * writes them in one go and calls {@code force} once for the whole batch; each caller's future
 * completes when its records are durable. Callers encode their records on their own thread.
 *
 * <p>The log is a directory of segment files numbered in order ({@code 00000000000000000001.log},
 * ...). The writer appends to the last one and starts the next once it holds the configured
 * size, always after a synced batch, so only the last segment can end in a torn write. The
 * segments before it are sealed: a checkpoint folds them into the checkpoint store and then
 * deletes them ({@link #deleteThrough}).
 */
public final class NodeLog implements AutoCloseable {
    public static final String DIR_NAME = "log";
    private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.log");
    private static final int MAX_BATCH = 4096;

    private final RecordCodec codec = new RecordCodec();
    private final Path dir;
    private final long segmentBytes;
    private volatile LogScan recovered;
    private final ConcurrentSkipListMap<Long, Long> sealed = new ConcurrentSkipListMap<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong recordsWritten = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private FileChannel channel; // the writer thread's, once started
    private volatile long activeSeq;
    private volatile long activeBytes;
    private volatile Runnable onSeal = () -> { };
    private volatile boolean closed;
    private volatile IOException failure;

    /** An append (records > 0 or a drop), or with {@code roll} a request to seal the current segment. */
    private record Pending(byte[] bytes, int records, boolean roll, CompletableFuture<Void> done) {}

    private static final Pending STOP = new Pending(new byte[0], 0, false, null);

    private NodeLog(Path dir, long segmentBytes, LogScan recovered, Map<Long, Long> sealedSegments, long activeSeq,
                    FileChannel channel, long activeBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.recovered = recovered;
        this.sealed.putAll(sealedSegments);
        this.activeSeq = activeSeq;
        this.channel = channel;
        this.activeBytes = activeBytes;
        this.writer = new Thread(this::writeLoop, "physalia-log-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens (or creates) the log in {@code dir}, whose segments up to {@code compactedThrough} are
     * already folded into a checkpoint (any still there are deleted), reads the rest in order,
     * cuts off a torn tail and makes the cut durable before anything new is appended.
     *
     * @throws IOException if a segment after {@code compactedThrough} is missing: the records in it
     *     are lost, and the node must not start as if they had never been written
     */
    public static NodeLog open(Path dir, long segmentBytes, long compactedThrough) throws IOException {
        Files.createDirectories(dir);
        TreeMap<Long, Path> segments = list(dir);
        boolean deleted = false;
        for (var e : new ArrayList<>(segments.headMap(compactedThrough, true).entrySet())) {
            Files.delete(e.getValue()); // a crash came between a checkpoint and the deletion it allowed
            segments.remove(e.getKey());
            deleted = true;
        }
        if (deleted) {
            syncDirectory(dir);
        }
        long expect = compactedThrough + 1;
        for (long seq : segments.keySet()) {
            if (seq != expect) {
                throw new IOException("node log segment " + name(expect) + " is missing from " + dir
                        + (compactedThrough > 0 ? " (the checkpoint covers segments through " + compactedThrough + ")" : "")
                        + ": records in it would be lost; refusing to start");
            }
            expect++;
        }
        LogRecovery reader = LogRecovery.collecting(new RecordCodec());
        for (Path p : segments.values()) {
            reader.add(Files.readAllBytes(p));
        }
        LogScan scan = reader.finish(true);
        Map<Long, Long> sealedSegments = new TreeMap<>();
        long activeSeq;
        FileChannel ch;
        if (segments.isEmpty()) {
            activeSeq = compactedThrough + 1;
            ch = create(dir, activeSeq);
        } else {
            activeSeq = segments.lastKey();
            for (var e : segments.headMap(activeSeq, false).entrySet()) {
                sealedSegments.put(e.getKey(), Files.size(e.getValue()));
            }
            ch = FileChannel.open(segments.lastEntry().getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (scan.truncatedBytes() > 0) {
                ch.truncate(scan.validBytes());
                ch.force(true);
            }
            ch.position(scan.validBytes());
        }
        return new NodeLog(dir, segmentBytes, scan, sealedSegments, activeSeq, ch, ch.size());
    }

    /** The segment files in {@code dir} by number; anything else there is left alone. */
    static TreeMap<Long, Path> list(Path dir) throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.put(Long.parseLong(m.group(1)), p);
                }
            }
        }
        return out;
    }

    static String name(long seq) {
        return String.format("%020d.log", seq);
    }

    private static FileChannel create(Path dir, long seq) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(name(seq)), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        syncDirectory(dir); // the new file's name must survive a power loss too
        return ch;
    }

    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for syncing; the file's own syncs still hold.
        }
    }

    /** What was read at open: the records of the segments after the checkpoint. */
    public LogScan recovered() {
        return recovered;
    }

    void releaseRecords() {
        LogScan r = recovered;
        recovered = new LogScan(Map.of(), r.reset(), r.damagedCells(), r.unknownDamage(), r.validBytes(),
                r.truncatedBytes(), r.entries());
    }

    public Path dir() {
        return dir;
    }

    /** Calls {@code r} (on the writer thread) each time a segment is sealed. */
    void onSeal(Runnable r) {
        onSeal = r;
    }

    /** Appends {@code records} of {@code cell}; the future completes once they are durable. */
    public CompletableFuture<Void> append(String cell, List<DurableRecord> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        byte[] bytes;
        try {
            if (records.size() == 1) {
                bytes = LogEntry.encode(cell, codec.encode(records.get(0)));
            } else {
                List<byte[]> parts = new ArrayList<>(records.size());
                int total = 0;
                for (DurableRecord r : records) {
                    byte[] e = LogEntry.encode(cell, codec.encode(r));
                    parts.add(e);
                    total += e.length;
                }
                bytes = new byte[total];
                int at = 0;
                for (byte[] p : parts) {
                    System.arraycopy(p, 0, bytes, at, p.length);
                    at += p.length;
                }
            }
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return done;
        }
        return enqueue(new Pending(bytes, records.size(), false, done));
    }

    /**
     * Records that this node no longer hosts {@code cell}: recovery forgets its records and the
     * next checkpoint removes it. The future completes once that is durable.
     */
    public CompletableFuture<Void> appendDrop(String cell) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            return enqueue(new Pending(LogEntry.encodeDrop(cell), 0, false, done));
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            return done;
        }
    }

    /**
     * Seals the current segment (if it holds anything) once every append queued before this call
     * is durable, so that everything appended so far is in sealed segments. Completes when done.
     */
    public CompletableFuture<Void> roll() {
        return enqueue(new Pending(new byte[0], 0, true, new CompletableFuture<>()));
    }

    private CompletableFuture<Void> enqueue(Pending p) {
        if (failure != null) {
            p.done.completeExceptionally(failure);
        } else if (closed) {
            p.done.completeExceptionally(new IOException("node log is closed"));
        } else {
            queue.add(p);
        }
        return p.done;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        List<Pending> rolls = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_BATCH);
            boolean stop = batch.remove(STOP);
            batch.removeIf(p -> p.roll && rolls.add(p));
            if (!batch.isEmpty()) {
                writeBatch(batch);
            }
            if (!rolls.isEmpty() || activeBytes >= segmentBytes) {
                sealActive(rolls);
            }
            batch.clear();
            rolls.clear();
            if (stop) {
                return;
            }
        }
    }

    private void writeBatch(List<Pending> batch) {
        int total = 0;
        int records = 0;
        for (Pending p : batch) {
            total += p.bytes.length;
            records += p.records;
        }
        try {
            if (failure != null) {
                throw failure;
            }
            ByteBuffer buf = ByteBuffer.allocate(total);
            for (Pending p : batch) {
                buf.put(p.bytes);
            }
            buf.flip();
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
            activeBytes += total;
            syncs.incrementAndGet();
            recordsWritten.addAndGet(records);
            bytesWritten.addAndGet(total);
            for (Pending p : batch) {
                p.done.complete(null);
            }
        } catch (IOException e) {
            // After a failed write or sync the file's state is unknown: fail this and every later append.
            failure = e;
            for (Pending p : batch) {
                p.done.completeExceptionally(e);
            }
        }
    }

    /** Seals the active segment (its last batch was synced) and starts the next one. */
    private void sealActive(List<Pending> rolls) {
        try {
            if (failure != null) {
                throw failure;
            }
            if (activeBytes > 0) {
                channel.close();
                sealed.put(activeSeq, activeBytes);
                FileChannel next = create(dir, activeSeq + 1);
                channel = next;
                activeSeq++;
                activeBytes = 0;
                onSeal.run();
            }
            rolls.forEach(p -> p.done.complete(null));
        } catch (IOException e) {
            failure = e;
            rolls.forEach(p -> p.done.completeExceptionally(e));
        } catch (RuntimeException e) {
            rolls.forEach(p -> p.done.completeExceptionally(e));
        }
    }

    /** The sealed segments, by number, with their sizes in bytes. */
    public NavigableMap<Long, Long> sealedSegments() {
        return new TreeMap<>(sealed);
    }

    Path segmentPath(long seq) {
        return dir.resolve(name(seq));
    }

    /**
     * Deletes the sealed segments up to {@code seq}: a checkpoint made durable holds everything in
     * them. Called by the checkpointer only.
     */
    void deleteThrough(long seq) throws IOException {
        boolean any = false;
        for (long s : new ArrayList<>(sealed.headMap(seq, true).keySet())) {
            if (s >= activeSeq) {
                break;
            }
            Files.deleteIfExists(segmentPath(s));
            sealed.remove(s);
            any = true;
        }
        if (any) {
            syncDirectory(dir); // not needed for safety (open deletes leftovers) but keeps the disk figure honest
        }
    }

    public long recordsWritten() {
        return recordsWritten.get();
    }

    /** Number of {@code force} calls: one per group-committed batch. */
    public long syncs() {
        return syncs.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Bytes in every segment on disk (sealed and active). */
    public long sizeBytes() {
        long n = activeBytes;
        for (long b : sealed.values()) {
            n += b;
        }
        return n;
    }

    public int segmentCount() {
        return sealed.size() + 1;
    }

    /** The write or sync error that stopped this log, or null. */
    public IOException failure() {
        return failure;
    }

    /** Finishes every append already queued, then closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            if (p.done != null) {
                p.done.completeExceptionally(new IOException("node log is closed")); // raced with close
            }
        }
        channel.close();
    }
}
