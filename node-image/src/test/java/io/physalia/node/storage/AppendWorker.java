package io.physalia.node.storage;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.DurableRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Child process of {@link NodeLogCrashTest}: appends records for several cells from several
 * threads and prints "ACK cell seq" after each append is durable, until it is killed.
 */
public final class AppendWorker {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        NodeLog log = NodeLog.open(dir, Long.parseLong(args[2]), 0);
        PrintStream out = new PrintStream(System.out, false);
        System.out.println("READY");
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            String cell = "cell-" + t;
            long start = log.recovered().cells().getOrDefault(cell, List.of()).size() + 1;
            Thread th = new Thread(() -> {
                for (long seq = start; ; seq++) {
                    log.append(cell, List.of(record(seq))).join();
                    synchronized (out) {
                        out.println("ACK " + cell + " " + seq);
                        out.flush();
                    }
                }
            });
            th.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    static DurableRecord record(long seq) {
        byte[] payload = new byte[ThreadLocalRandom.current().nextInt(0, 3000)];
        ThreadLocalRandom.current().nextBytes(payload);
        Command c = new Command.ClientTxn("w", seq,
                new Transaction(List.of(), List.of(new Op.Put("k" + seq, Value.ofBytes(payload)))));
        return new DurableRecord.Chosen(seq, new Batch(List.of(c)));
    }
}
