package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.wire.RecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A node's storage: the segmented node log (the write-ahead log every acknowledgement waits for)
 * in {@code <data-dir>/log}, and the checkpoint store in {@code <data-dir>/checkpoint} that the
 * checkpointer folds sealed segments into. Recovery loads each cell's checkpoint and replays
 * the log segments after it on top.
 */
public final class NodeStorage implements AutoCloseable {
    /** The single log file of nodes from before the log had segments. */
    static final String LEGACY_LOG = "node.log";

    private final NodeLog log;
    private final CheckpointStore store;
    private final Checkpointer checkpointer;
    private volatile Recovered recovered;

    private NodeStorage(NodeLog log, CheckpointStore store, Checkpointer checkpointer, Recovered recovered) {
        this.log = log;
        this.store = store;
        this.checkpointer = checkpointer;
        this.recovered = recovered;
    }

    /**
     * Opens (or creates) the storage in {@code dataDir} and recovers every cell.
     *
     * @throws IOException if the checkpoint store cannot be read or a log segment is missing: the
     *     node must not start without state it once acknowledged
     */
    public static NodeStorage open(Path dataDir, StorageOptions options, ReplicaConfig config) throws IOException {
        Files.createDirectories(dataDir);
        Path logDir = dataDir.resolve(NodeLog.DIR_NAME);
        adoptLegacyLog(dataDir, logDir);
        RecordCodec codec = new RecordCodec();
        CheckpointStore store = CheckpointStore.open(dataDir.resolve(CheckpointStore.DIR_NAME), codec);
        long t0 = System.nanoTime();
        CheckpointStore.Loaded loaded = store.load();
        long t1 = System.nanoTime();
        NodeLog log = NodeLog.open(logDir, options.segmentBytes(), store.compactedThrough());
        long t2 = System.nanoTime();
        Recovered recovered = merge(loaded, log.recovered(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        Checkpointer checkpointer = new Checkpointer(log, store, config, options.checkpointLogBytes());
        checkpointer.start();
        return new NodeStorage(log, store, checkpointer, recovered);
    }

    /** A data directory from before segments holds one {@code node.log}: it becomes the first segment. */
    private static void adoptLegacyLog(Path dataDir, Path logDir) throws IOException {
        Path legacy = dataDir.resolve(LEGACY_LOG);
        if (!Files.exists(legacy)) {
            return;
        }
        Files.createDirectories(logDir);
        if (!NodeLog.list(logDir).isEmpty()) {
            throw new IOException(legacy + " and log segments in " + logDir + " both exist; refusing to guess which holds the records");
        }
        Files.move(legacy, logDir.resolve(NodeLog.name(1)), StandardCopyOption.ATOMIC_MOVE);
        NodeLog.syncDirectory(logDir);
        NodeLog.syncDirectory(dataDir);
    }

    /** Each cell's checkpoint, then the log records after it; the log's verdicts override the checkpoint's. */
    static Recovered merge(CheckpointStore.Loaded loaded, LogScan tail, long checkpointMillis, long logMillis) {
        Map<String, List<DurableRecord>> cells = new LinkedHashMap<>(loaded.cells());
        Map<String, String> refused = new TreeMap<>(loaded.refused());
        for (String c : tail.reset()) {
            cells.remove(c); // a new incarnation or a drop after the checkpoint supersedes it
            refused.remove(c);
        }
        for (var e : tail.cells().entrySet()) {
            String c = e.getKey();
            if (refused.containsKey(c)) {
                continue; // no Identity since: still the refused incarnation
            }
            List<DurableRecord> base = cells.get(c);
            if (base == null) {
                cells.put(c, e.getValue());
            } else {
                List<DurableRecord> all = new ArrayList<>(base.size() + e.getValue().size());
                all.addAll(base);
                all.addAll(e.getValue());
                cells.put(c, all);
            }
        }
        for (String c : tail.damagedCells()) {
            cells.remove(c);
            refused.put(c, "its records in the node log are damaged");
        }
        return new Recovered(cells, refused, tail.unknownDamage(), loaded.cells().size() + loaded.refused().size(),
                tail.entries(), tail.truncatedBytes(), checkpointMillis, logMillis);
    }

    public NodeLog log() {
        return log;
    }

    /** What recovery found (once {@link #releaseRecords} ran, without the records). */
    public Recovered recovered() {
        return recovered;
    }

    /** Lets the recovered records go once the replicas are rebuilt from them (they can be most of the heap). */
    public void releaseRecords() {
        Recovered r = recovered;
        recovered = new Recovered(Map.of(), r.refusedCells(), r.refuseAll(), r.checkpointedCells(), r.logEntries(),
                r.truncatedBytes(), r.checkpointMillis(), r.logMillis());
        log.releaseRecords();
    }

    public CheckpointStore checkpoints() {
        return store;
    }

    public Checkpointer checkpointer() {
        return checkpointer;
    }

    /** Seals the log and checkpoints every sealed segment now (tests, benchmarks). */
    public CompletableFuture<Checkpointer.Result> checkpointNow() {
        return checkpointer.checkpointNow();
    }

    /** Stops checkpointing (a checkpoint under way is abandoned safely), then closes the log after its queued appends. */
    @Override
    public void close() throws IOException {
        checkpointer.close();
        log.close();
    }
}
