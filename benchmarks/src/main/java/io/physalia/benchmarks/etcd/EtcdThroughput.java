package io.physalia.benchmarks.etcd;

import io.grpc.Channel;
import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.ClosedLoopLoad;
import io.physalia.benchmarks.ThroughputResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The etcd side of the throughput benchmark: the same {@link ClosedLoopLoad}, where each of our
 * cells is one key of etcd's single group (one writer per key, as one writer per cell), the
 * puts sent to the leader over {@link #CONNECTIONS} connections.
 */
public final class EtcdThroughput {
    /** Connections the load spreads over; etcd's own benchmark tool also lets many clients share few connections. */
    static final int CONNECTIONS = 8;

    private EtcdThroughput() {}

    public static ThroughputResult run(EtcdCluster cluster, int keys, BenchOptions o, Consumer<String> progress)
            throws IOException, InterruptedException {
        int leader = cluster.leader();
        List<Channel> connections = cluster.client().connections(leader, Math.min(CONNECTIONS, o.concurrency()));
        byte[][] names = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            names[k] = ("load" + keys + "-" + k).getBytes(StandardCharsets.UTF_8);
        }
        byte[] value = new byte[o.payloadBytes()];
        new Random(2).nextBytes(value);
        ClosedLoopLoad.Writer writer = k -> EtcdClient.putAsync(connections.get(k % connections.size()), names[k], value);
        progress.accept(String.format("  etcd priming: one put to each of %,d keys", keys));
        long unprimed = ClosedLoopLoad.once(keys, o.concurrency(), writer);
        if (unprimed > 0) {
            throw new IOException(unprimed + " of " + keys + " etcd keys did not take a put in 10 tries");
        }
        progress.accept(String.format("  etcd: loading %,d keys with %d puts in flight at leader %s", keys, o.concurrency(), cluster.name(leader)));
        return ThroughputResult.measure(keys, cluster.pids(), null, o, writer, progress);
    }
}
