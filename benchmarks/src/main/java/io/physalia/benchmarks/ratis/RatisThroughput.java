package io.physalia.benchmarks.ratis;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.ClosedLoopLoad;
import io.physalia.benchmarks.ThroughputResult;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;

/** The Ratis side of the throughput benchmark: the same {@link ClosedLoopLoad}, one client per group, async API. */
public final class RatisThroughput {
    private RatisThroughput() {}

    public static ThroughputResult run(RatisCluster cluster, int groups, BenchOptions o, Consumer<String> progress)
            throws IOException, InterruptedException {
        List<RaftGroup> created = cluster.createGroups("load" + groups + "-", groups, 16, progress);
        RaftClient[] clients = new RaftClient[groups];
        for (int g = 0; g < groups; g++) {
            clients[g] = cluster.client(created.get(g));
        }
        byte[] value = new byte[o.payloadBytes()];
        new Random(2).nextBytes(value);
        Message put = KvMessages.put("k", value);
        ClosedLoopLoad.Writer writer = g -> {
            try {
                return clients[g].async().send(put).handle((r, err) -> err == null && r.isSuccess());
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(false);
            }
        };
        progress.accept("  Ratis priming: one write to every group (waits for its leader)");
        long unprimed = ClosedLoopLoad.once(groups, o.concurrency(), writer);
        if (unprimed > 0) {
            throw new IOException(unprimed + " of " + groups + " Ratis groups did not commit a write in 10 tries");
        }
        progress.accept(String.format("  Ratis: loading %,d groups with %d writes in flight", groups, o.concurrency()));
        long[] pids = new long[cluster.size()];
        for (int i = 0; i < pids.length; i++) {
            pids[i] = cluster.process(i).pid();
        }
        return ThroughputResult.measure(groups, pids, null, o, writer, progress);
    }
}
