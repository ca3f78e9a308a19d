package io.physalia.benchmarks.etcd;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.LatencyRecorder;
import io.physalia.benchmarks.LatencyResult;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The etcd side of the latency benchmark, in the same shape as ours: one client, one operation
 * at a time; puts and linearizable ranges at the leader, serializable ranges (etcd's eventual
 * read) at a follower; the same payload under one key.
 */
public final class EtcdLatency {
    private EtcdLatency() {}

    public static LatencyResult run(EtcdCluster cluster, BenchOptions o, Consumer<String> progress) throws IOException {
        EtcdClient client = cluster.client();
        int leader = cluster.leader();
        Channel atLeader = client.member(leader);
        Channel atFollower = client.member((leader + 1) % cluster.size());
        byte[] key = "k".getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[o.payloadBytes()];
        new Random(1).nextBytes(value);
        client.put(atLeader, key, value);
        progress.accept("  etcd: " + o.warmupOps() + " warm-up operations of each kind, then " + o.samples() + " samples; leader " + cluster.name(leader));
        for (int i = 0; i < o.warmupOps(); i++) {
            client.put(atLeader, key, value);
            check(client.get(atLeader, key, false), value);
            check(client.get(atFollower, key, true), value);
        }
        LatencyRecorder writes = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            client.put(atLeader, key, value);
            writes.record(System.nanoTime() - t0);
        }
        LatencyRecorder reads = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            byte[] got = client.get(atLeader, key, false);
            reads.record(System.nanoTime() - t0);
            check(got, value);
        }
        LatencyRecorder followerReads = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            byte[] got = client.get(atFollower, key, true);
            followerReads.record(System.nanoTime() - t0);
            check(got, value);
        }
        return new LatencyResult(writes, reads, followerReads, Double.NaN, null, Double.NaN);
    }

    /** A read that does not return what was written is a broken benchmark, not a figure. */
    private static void check(byte[] got, byte[] expected) throws IOException {
        if (!Arrays.equals(got, expected)) {
            throw new IOException("etcd read back " + (got == null ? "nothing" : got.length + " other bytes") + " instead of the value written");
        }
    }
}
