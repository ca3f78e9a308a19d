package io.physalia.benchmarks.etcd;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.Failover;
import io.physalia.client.Backoff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The etcd side of {@link Failover}, with a client that retries as ours does: it tries every
 * member in turn (a follower forwards a put to the leader), each try bounded by the same 2 s,
 * then waits {@link Backoff#DEFAULT} between rounds, for up to the same number of rounds.
 */
public final class EtcdFailover {
    private static final Duration TRY = Duration.ofSeconds(2);
    private static final int ROUNDS = 12;

    private EtcdFailover() {}

    public static Failover.Result run(EtcdCluster cluster, BenchOptions o, Consumer<String> progress) throws Exception {
        EtcdClient client = cluster.client();
        byte[] key = "failover".getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[o.payloadBytes()];
        new Random(1).nextBytes(value);
        Random jitter = new Random(2);
        int[] preferred = {cluster.leader()};
        Failover.Target target = new Failover.Target() {
            public int leader() throws IOException {
                return cluster.leader();
            }

            public void write() throws Exception {
                IOException last = null;
                for (int round = 0; round < ROUNDS; round++) {
                    for (int i = 0; i < cluster.size(); i++) {
                        int m = (preferred[0] + i) % cluster.size();
                        try {
                            client.put(client.member(m), key, value, TRY);
                            preferred[0] = m; // tried first next time, as our client remembers a cell's leader
                            return;
                        } catch (IOException e) {
                            last = e;
                        }
                    }
                    Thread.sleep(Backoff.DEFAULT.delayMillis(round, jitter));
                }
                throw last;
            }

            public void kill9(int member) throws InterruptedException {
                cluster.kill9(member);
            }

            public void restart(int member) throws IOException, InterruptedException {
                cluster.restart(member);
            }
        };
        progress.accept("  etcd: " + o.kills() + " kills of the leader of " + cluster.size() + " members");
        return Failover.measure(target, o.kills(), progress);
    }
}
