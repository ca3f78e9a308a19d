package io.physalia.benchmarks.ratis;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.LatencyRecorder;
import io.physalia.benchmarks.LatencyResult;
import java.io.IOException;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;

/** The Ratis side of the latency benchmark: one group, one client, one operation at a time. */
public final class RatisLatency {
    private RatisLatency() {}

    public static LatencyResult run(RatisCluster cluster, BenchOptions o, Consumer<String> progress) throws IOException, InterruptedException {
        RaftGroup group = cluster.createGroups("latency-", 1, 1, progress).get(0);
        RaftClient client = cluster.client(group);
        byte[] value = new byte[o.payloadBytes()];
        new Random(1).nextBytes(value);
        Message put = KvMessages.put("k", value);
        Message get = KvMessages.get("k");
        RaftClientReply first = check(client.io().send(put));
        RaftPeerId leader = first.getServerId();
        int f = (cluster.indexOf(leader) + 1) % cluster.size();
        RaftPeerId follower = cluster.id(f);
        progress.accept("  Ratis: " + o.warmupOps() + " warm-up operations of each kind, then " + o.samples() + " samples; leader " + leader);
        for (int i = 0; i < o.warmupOps(); i++) {
            check(client.io().send(put));
            check(client.io().sendReadOnly(get));
            check(client.io().sendStaleRead(get, 0, follower));
        }
        LatencyRecorder writes = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            check(client.io().send(put));
            writes.record(System.nanoTime() - t0);
        }
        LatencyRecorder reads = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            check(client.io().sendReadOnly(get));
            reads.record(System.nanoTime() - t0);
        }
        LatencyRecorder followerReads = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            check(client.io().sendStaleRead(get, 0, follower));
            followerReads.record(System.nanoTime() - t0);
        }
        return new LatencyResult(writes, reads, followerReads, Double.NaN, null, Double.NaN);
    }

    static RaftClientReply check(RaftClientReply r) throws IOException {
        if (!r.isSuccess()) {
            throw new IOException("Ratis request failed: " + r);
        }
        return r;
    }
}
