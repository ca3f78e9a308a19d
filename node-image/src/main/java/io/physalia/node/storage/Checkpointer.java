package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.wire.RecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Folds the log's sealed segments into the checkpoint store and then deletes them, on a thread
 * of its own (never an event loop), once the sealed segments hold the configured size, or when
 * asked. Only sealed segments are read: they are complete and synced, and the writer never
 * touches them again, so a checkpoint needs no coordination with the cells or the writer. A
 * checkpoint covers whole segments; the segments are deleted only after the checkpoint store's
 * pointer names the new generation durably.
 */
public final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Checkpointer.class.getName());
    private static final long RETRY_AFTER_FAILURE_MILLIS = 30_000;

    private final NodeLog log;
    private final CheckpointStore store;
    private final ReplicaConfig config;
    private final long thresholdBytes;
    private final RecordCodec codec = new RecordCodec();
    private final Thread thread;
    private final Object lock = new Object();
    private final List<CompletableFuture<Result>> requested = new ArrayList<>();
    private boolean woken;
    private volatile boolean closed;
    private volatile String stuck; // why checkpoints stopped for good, or null
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastMillis;

    /**
     * What one checkpoint did.
     *
     * @param generation       the checkpoint store's generation afterwards
     * @param compactedThrough the last log segment it covers
     * @param cellsWritten     cells whose checkpoint was written or removed
     * @param segmentsDeleted  log segments folded and deleted
     * @param millis           how long it took
     */
    public record Result(long generation, long compactedThrough, int cellsWritten, int segmentsDeleted, long millis) {}

    Checkpointer(NodeLog log, CheckpointStore store, ReplicaConfig config, long thresholdBytes) {
        this.log = log;
        this.store = store;
        this.config = config;
        this.thresholdBytes = thresholdBytes;
        this.thread = new Thread(this::loop, "physalia-checkpointer");
        this.thread.setDaemon(true); // a checkpoint cut short is no harm: the pointer flips only at its end
        log.onSeal(this::wake);
    }

    void start() {
        wake(); // sealed segments left from before a restart may already be due
        thread.start();
    }

    private void wake() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }

    /** Seals the current log segment and checkpoints every sealed one; completes when done. */
    public CompletableFuture<Result> checkpointNow() {
        CompletableFuture<Result> done = new CompletableFuture<>();
        log.roll().whenComplete((v, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
                return;
            }
            synchronized (lock) {
                if (closed) {
                    done.completeExceptionally(new CancellationException("storage is closing"));
                    return;
                }
                requested.add(done);
                lock.notifyAll();
            }
        });
        return done;
    }

    private long sealedBytes() {
        long n = 0;
        for (long b : log.sealedSegments().values()) {
            n += b;
        }
        return n;
    }

    private void loop() {
        long retryAtMillis = 0;
        while (true) {
            List<CompletableFuture<Result>> asked;
            synchronized (lock) {
                while (!closed && requested.isEmpty() && !(woken && System.currentTimeMillis() >= retryAtMillis)) {
                    try {
                        long wait = woken ? Math.max(1, retryAtMillis - System.currentTimeMillis()) : 0;
                        lock.wait(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    requested.forEach(f -> f.completeExceptionally(new CancellationException("storage is closing")));
                    requested.clear();
                    return;
                }
                asked = new ArrayList<>(requested);
                requested.clear();
                woken = false;
            }
            if (asked.isEmpty() && (stuck != null || sealedBytes() < thresholdBytes)) {
                continue;
            }
            try {
                if (stuck != null) {
                    throw new IOException("checkpoints are stopped: " + stuck);
                }
                Result r = checkpoint();
                asked.forEach(f -> f.complete(r));
                retryAtMillis = 0;
            } catch (Exception e) {
                failures.incrementAndGet();
                if (!closed) {
                    LOG.log(Level.WARNING, "checkpoint failed (the log keeps every record; retrying later): " + e);
                }
                asked.forEach(f -> f.completeExceptionally(e));
                retryAtMillis = System.currentTimeMillis() + RETRY_AFTER_FAILURE_MILLIS;
                synchronized (lock) {
                    woken = true; // try again after the pause even if no new segment is sealed
                }
            }
        }
    }

    /** One checkpoint of every segment sealed now. */
    private Result checkpoint() throws IOException {
        long t0 = System.nanoTime();
        NavigableMap<Long, Long> sealed = log.sealedSegments();
        if (sealed.isEmpty()) {
            return new Result(store.generation(), store.compactedThrough(), 0, 0, 0);
        }
        long first = sealed.firstKey();
        long through = sealed.lastKey();
        if (first != store.compactedThrough() + 1) {
            throw new IOException("sealed log segments start at " + first + " but the checkpoint covers through "
                    + store.compactedThrough());
        }
        TreeMap<String, byte[]> updates = new TreeMap<>();
        long generation;
        try (CheckpointStore.Writer w = store.begin()) {
            generation = w.nextGeneration();
            Folds folds = new Folds(w);
            LogRecovery reader = new LogRecovery(codec, folds);
            for (long seq : sealed.keySet()) {
                reader.add(Files.readAllBytes(log.segmentPath(seq)));
                checkOpen();
            }
            LogScan scan = reader.finish(false); // sealed segments were synced whole: any damage is damage
            if (scan.unknownDamage()) {
                stuck = "log segments " + first + ".." + through + " hold damage whose cell cannot be told; they are"
                        + " kept so that a restart refuses every cell rather than lose what they held";
                LOG.severe(stuck);
                throw new IOException(stuck);
            }
            for (String cell : scan.damagedCells()) {
                folds.fold(cell).refuse("damaged records in node log segments " + first + ".." + through);
            }
            for (var e : folds.folds.entrySet()) {
                checkOpen();
                updates.put(e.getKey(), encode(e.getKey(), generation, e.getValue()));
            }
            checkOpen();
            w.commit(updates, through);
        }
        log.deleteThrough(through);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        checkpoints.incrementAndGet();
        lastMillis = millis;
        LOG.info(() -> "checkpoint " + generation + ": " + updates.size() + " cells, log segments " + first + ".."
                + through + " folded and deleted in " + millis + " ms");
        return new Result(generation, through, updates.size(), sealed.size(), millis);
    }

    /**
     * The fold of every cell the segments touch, fed record by record as the segments are read:
     * a cell's fold starts from its checkpoint in the current generation, unless the first thing
     * the segments say of it is an Identity or a drop. A fold is kept about the size of the
     * cell's state, so memory does not grow with the segments read.
     */
    private final class Folds implements LogRecovery.Sink {
        final TreeMap<String, CellFold> folds = new TreeMap<>();
        private final CheckpointStore.Writer current;

        Folds(CheckpointStore.Writer current) {
            this.current = current;
        }

        @Override
        public void reset(String cell) {
            folds.put(cell, new CellFold(cell));
        }

        @Override
        public void add(String cell, DurableRecord record) {
            CellFold f = fold(cell);
            f.add(record);
            f.foldIfLarge(config);
        }

        CellFold fold(String cell) {
            CellFold f = folds.get(cell);
            if (f == null) {
                f = new CellFold(cell);
                addBase(f, cell);
                folds.put(cell, f);
            }
            return f;
        }

        private void addBase(CellFold fold, String cell) {
            CheckpointCodec.Checkpoint base;
            try {
                base = current.base(cell);
            } catch (RuntimeException e) {
                fold.refuse("its checkpoint is damaged (" + e.getMessage() + ")");
                return;
            }
            if (base == null) {
                return;
            }
            if (base.refusal() != null) {
                fold.refuse(base.refusal());
            } else {
                base.records().forEach(fold::add);
            }
        }
    }

    private byte[] encode(String cell, long generation, CellFold fold) {
        if (fold.refusal() != null) {
            return CheckpointCodec.encodeRefused(cell, generation, fold.refusal());
        }
        if (!fold.hasIdentity()) {
            return null; // dropped: nothing to keep
        }
        return CheckpointCodec.encodeRecords(cell, generation, fold.compact(config), codec);
    }

    private void checkOpen() {
        if (closed) {
            throw new CancellationException("storage is closing");
        }
    }

    public long checkpoints() {
        return checkpoints.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Milliseconds the last checkpoint took. */
    public long lastMillis() {
        return lastMillis;
    }

    /** Stops: a checkpoint under way gives up at its next step (its spare file is rebuilt next time). */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
