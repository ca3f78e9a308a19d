package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.wire.RecordCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node-wide append-only log that every cell hosted on this node writes its durable records
 * to, with group commit: one writer thread (never an event loop) takes every append waiting,
 * writes them in one go and calls {@code force} once for the whole batch; each caller's future
 * completes when its records are durable. Callers encode their records on their own thread.
 *
 * <p>The log only grows: compaction (rewriting each live cell's latest snapshot plus what
 * follows it into a new file) is not done yet.
 */
public final class NodeLog implements AutoCloseable {
    public static final String FILE_NAME = "node.log";
    private static final int MAX_BATCH = 4096;

    private final RecordCodec codec = new RecordCodec();
    private final Path file;
    private final FileChannel channel;
    private final Recovered recovered;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong recordsWritten = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile boolean closed;
    private volatile IOException failure;

    private record Pending(byte[] bytes, int records, CompletableFuture<Void> done) {}

    private static final Pending STOP = new Pending(new byte[0], 0, null);

    private NodeLog(Path file, FileChannel channel, Recovered recovered) {
        this.file = file;
        this.channel = channel;
        this.recovered = recovered;
        this.writer = new Thread(this::writeLoop, "physalia-log-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Opens (or creates) the log in {@code dir}, recovers it, cuts off a torn tail and makes the
     * cut durable before anything new is appended.
     */
    public static NodeLog open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        boolean created = !Files.exists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (created) {
            syncDirectory(dir); // the new file's name must survive a power loss too
        }
        byte[] all = Files.readAllBytes(file);
        Recovered rec = LogRecovery.scan(all, new RecordCodec());
        if (rec.truncatedBytes() > 0) {
            ch.truncate(rec.validBytes());
            ch.force(true);
        }
        ch.position(rec.validBytes());
        return new NodeLog(file, ch, rec);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for syncing; the file's own syncs still hold.
        }
    }

    public Recovered recovered() {
        return recovered;
    }

    public Path file() {
        return file;
    }

    /** Appends {@code records} of {@code cell}; the future completes once they are durable. */
    public CompletableFuture<Void> append(String cell, List<DurableRecord> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (failure != null) {
            done.completeExceptionally(failure);
            return done;
        }
        if (closed) {
            done.completeExceptionally(new IOException("node log is closed"));
            return done;
        }
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
        queue.add(new Pending(bytes, records.size(), done));
        return done;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_BATCH);
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty()) {
                writeBatch(batch);
            }
            batch.clear();
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

    public long sizeBytes() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        channel.close();
    }
}
