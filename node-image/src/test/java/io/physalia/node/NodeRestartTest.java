package io.physalia.node;

import io.physalia.node.local.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Reply;
import io.physalia.node.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node over real files hosting many one-member cells: every cell gets acknowledged
 * writes (while checkpoints fold the log into MapDB), the node stops, starts again, and every
 * acknowledged value must be read back from every cell. CI runs 10,000 replicas;
 * {@code -Dphysalia.restartReplicas=100000} runs the benchmark size, {@code -Dphysalia.restartWrites=N}
 * gives every replica more history and {@code -Dphysalia.restartCheckpoints=false} compares with
 * no checkpoint (see docs/node.md).
 */
class NodeRestartTest {
    static final int REPLICAS = Integer.getInteger("physalia.restartReplicas", 10_000);
    /** Acknowledged writes per replica (at least 2: one before the checkpoint, the rest after). */
    static final int WRITES = Math.max(2, Integer.getInteger("physalia.restartWrites", 2));
    /** false: no checkpoint at all, the restart replays the whole log (for comparison). */
    static final boolean CHECKPOINTS = Boolean.parseBoolean(System.getProperty("physalia.restartCheckpoints", "true"));
    /** Sealed log that triggers a checkpoint; small by default so that checkpoints also run on their own. */
    static final long CHECKPOINT_LOG_BYTES = StorageOptions.parseBytes(System.getProperty("physalia.restartCheckpointLogBytes", "4m"));
    static final int IN_FLIGHT = 256;

    @Test
    void everyAcknowledgedWriteSurvivesARestartOfANodeWithManyReplicas(@TempDir Path dir) throws Exception {
        KeyFile.generate(dir.resolve("key"));
        NodeConfig config = config(dir).withStorage(CHECKPOINTS ? new StorageOptions(1 << 20, CHECKPOINT_LOG_BYTES)
                : new StorageOptions(1 << 20, StorageOptions.MAX_CHECKPOINT_LOG_BYTES));
        Configuration members = new Configuration(List.of(Member.founding("n1")));
        long writeMillis;
        Node node = Node.start(config);
        try {
            long t0 = System.nanoTime();
            inWindows(i -> node.host(cell(i), members).toCompletionStage().toCompletableFuture()
                    .thenAccept(r -> assertEquals(Node.HostResult.CREATED, r, cell(i))));
            // Acknowledged writes to every cell, the last after a checkpoint: the restart needs
            // both the checkpoint and the log after it.
            for (int round = 1; round < WRITES; round++) {
                int r = round;
                inWindows(i -> put(node, i, r));
            }
            if (CHECKPOINTS) {
                node.storage().checkpointNow().get(600, TimeUnit.SECONDS);
            }
            inWindows(i -> put(node, i, WRITES));
            writeMillis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(CHECKPOINTS, node.storage().checkpointer().checkpoints() >= 1);
        } finally {
            node.close();
        }
        long logBytes = sizeOf(dir.resolve("data").resolve("log"));
        Path checkpointDir = dir.resolve("data").resolve("checkpoint");
        long checkpointBytes = Files.exists(checkpointDir) ? sizeOf(checkpointDir) : 0;

        long t1 = System.nanoTime();
        Node again = Node.start(config);
        long restartMillis = (System.nanoTime() - t1) / 1_000_000;
        try {
            assertEquals(REPLICAS, again.cellCount());
            assertEquals(0, again.refusedCount());
            inWindows(i -> read(again, i).thenAccept(v -> assertEquals(value(i, WRITES), v, cell(i))));
        } finally {
            again.close();
        }
        var rec = again.storage().recovered();
        System.out.printf("node restart: %d replicas, hosting and %d writes each %d ms; restart %d ms (checkpoints: %d cells "
                        + "in %d ms, log: %d entries in %d ms); on disk: log %d KiB, checkpoints %d KiB%n",
                REPLICAS, WRITES, writeMillis, restartMillis, rec.checkpointedCells(), rec.checkpointMillis(),
                rec.logEntries(), rec.logMillis(), logBytes / 1024, checkpointBytes / 1024);
    }

    static NodeConfig config(Path dir) throws Exception {
        int[] ports = FreePorts.ports(2);
        int http = ports[0];
        int peer = ports[1];
        return new NodeConfig("n1", dir.resolve("data"), "127.0.0.1", peer, http, Map.of(), dir.resolve("key"), -1);
    }

    static String cell(int i) {
        return "cell-" + i;
    }

    /** Runs {@code op} for every replica index, at most {@link #IN_FLIGHT} at a time, and waits for all. */
    static void inWindows(Function<Integer, CompletableFuture<?>> op) throws Exception {
        for (int from = 0; from < REPLICAS; from += IN_FLIGHT) {
            List<CompletableFuture<?>> window = new ArrayList<>();
            for (int i = from; i < Math.min(REPLICAS, from + IN_FLIGHT); i++) {
                window.add(op.apply(i));
            }
            CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
    }

    static Value value(int i, int round) {
        return Value.ofInt(1000L * i + round);
    }

    /** Writes key "v" of replica {@code i} (the value {@code 1000i + round}) and checks it was applied. */
    static CompletableFuture<Void> put(Node node, int i, int round) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Command c = new Command.ClientTxn("test", round, new Transaction(List.of(),
                List.of(new Op.Put("v", value(i, round)))));
        boolean hosted = node.request(cell(i), new ClientRequest.Submit(node.nextRequestId(), c), reply -> {
            if (reply instanceof Reply.Applied) {
                done.complete(null);
            } else {
                done.completeExceptionally(new AssertionError(cell(i) + ": " + reply));
            }
        });
        if (!hosted) {
            done.completeExceptionally(new AssertionError(cell(i) + " is not hosted"));
        }
        return done;
    }

    /** Key "v" of replica {@code i}, read from the replica itself (an eventual read). */
    static CompletableFuture<Value> read(Node node, int i) {
        CompletableFuture<Value> done = new CompletableFuture<>();
        ClientRequest.Read r = new ClientRequest.Read(node.nextRequestId(),
                new Transaction(List.of(), List.of(new Op.Get("v"))), ClientRequest.ReadMode.EVENTUAL, 0);
        boolean hosted = node.request(cell(i), r, reply -> {
            try {
                Reply.ReadResult rr = assertInstanceOf(Reply.ReadResult.class, reply, cell(i));
                OpResult.Read got = (OpResult.Read) rr.result().results().get(0);
                done.complete(got.found() == null ? null : got.found().value());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        if (!hosted) {
            done.completeExceptionally(new AssertionError(cell(i) + " is not hosted after the restart"));
        }
        return done;
    }

    static long sizeOf(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
