package io.physalia.node.storage;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.Member;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaObserver;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Child process of {@link CheckpointCrashTest}: one thread per cell appends the value chosen for
 * each next slot and prints "ACK cell slot" once it is durable; tiny log segments make the
 * checkpointer fold and delete them all the time, and another thread asks for checkpoints too,
 * printing "CKPT-START" and "CKPT-DONE" around each. It runs until it is killed.
 */
public final class CheckpointWorker {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int cells = Integer.parseInt(args[1]);
        StorageOptions options = new StorageOptions(Long.parseLong(args[2]), Long.parseLong(args[3]));
        NodeStorage storage = NodeStorage.open(dir, options, Histories.CONFIG);
        PrintStream out = new PrintStream(System.out, false);
        System.out.println("READY");
        System.out.flush();
        for (int t = 0; t < cells; t++) {
            String cell = "cell-" + t;
            List<DurableRecord> records = storage.recovered().cells().get(cell);
            long next = records == null ? -1 : appliedUpTo(records);
            Thread th = new Thread(() -> {
                if (next < 0) {
                    storage.log().append(cell, List.of(identity(cell))).join();
                }
                for (long slot = Math.max(0, next); ; slot++) {
                    storage.log().append(cell, List.of(new DurableRecord.Chosen(slot, batch(slot)))).join();
                    synchronized (out) {
                        out.println("ACK " + cell + " " + slot);
                        out.flush();
                    }
                }
            });
            th.start();
        }
        Random random = new Random();
        for (long n = 0; ; n++) {
            synchronized (out) {
                out.println("CKPT-START " + n);
                out.flush();
            }
            try {
                storage.checkpointNow().join();
            } catch (RuntimeException e) {
                System.err.println("checkpoint " + n + " failed: " + e);
            }
            synchronized (out) {
                out.println("CKPT-DONE " + n);
                out.flush();
            }
            Thread.sleep(random.nextInt(40));
        }
    }

    static DurableRecord.Identity identity(String cell) {
        return new DurableRecord.Identity(cell, Member.founding("n1"), Histories.MEMBERS);
    }

    /** Slot {@code slot}'s value: key "slot" set to the slot, and a random payload. */
    static Batch batch(long slot) {
        byte[] payload = new byte[ThreadLocalRandom.current().nextInt(0, 3000)];
        ThreadLocalRandom.current().nextBytes(payload);
        return new Batch(List.of(new Command.ClientTxn("", 0, new Transaction(List.of(),
                List.of(new Op.Put("slot", Value.ofInt(slot)), new Op.Put("payload", Value.ofBytes(payload)))))));
    }

    static long appliedUpTo(List<DurableRecord> records) {
        return recover(records).appliedUpTo();
    }

    static Replica recover(List<DurableRecord> records) {
        return Replica.recover(Histories.CONFIG, records, ReplicaObserver.NONE, new Context(0, new Random(1), n -> true));
    }
}
