package io.physalia.benchmarks.ratis;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.IdleMeter;
import io.physalia.benchmarks.IdleResult;
import io.physalia.benchmarks.JvmProbe;
import io.physalia.benchmarks.UntilServing;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.RaftGroup;

/**
 * The Ratis side of the idle benchmark: {@code --ratis-idle-groups} groups on every peer (a Raft
 * group needs its members running: an idle group whose peers are down keeps electing, so unlike
 * the Physalia side, all peers run; each group gets one empty write, which waits for its leader).
 * Peer 1 is measured with one group (the baseline) and after the groups are added,
 * then killed with kill -9 and timed until it has loaded them and sampled groups answer reads
 * through it.
 */
public final class RatisIdle {
    private RatisIdle() {}

    /**
     * Returns once every group has a leader, found by one write each (the client retries until one
     * is elected). An idle Raft group is one whose leader is in place and sends heartbeats.
     */
    private static void awaitLeaders(RatisCluster cluster, List<RaftGroup> groups) throws IOException, InterruptedException {
        long failed = io.physalia.benchmarks.ClosedLoopLoad.once(groups.size(), 16, g -> cluster.client(groups.get(g)).async()
                .send(KvMessages.put("k", new byte[0])).handle((r, err) -> err == null && r.isSuccess()));
        cluster.closeClients(); // their connections would otherwise be counted in the peer's footprint
        if (failed > 0) {
            throw new IOException(failed + " of " + groups.size() + " Ratis groups elected no leader");
        }
    }

    public static IdleResult run(RatisCluster cluster, int groups, BenchOptions o, Consumer<String> progress)
            throws IOException, InterruptedException {
        long pid = cluster.process(0).pid();
        // As on the Physalia side, the baseline has the classes loaded: one group, with its leader elected.
        awaitLeaders(cluster, cluster.createGroups("warm-", 1, 1, progress));
        IdleMeter.Sample baseline = IdleMeter.measure(pid, o.idleSeconds(), "Ratis baseline (1 group)", progress);
        long t0 = System.nanoTime();
        List<RaftGroup> created = cluster.createGroups("idle-", groups, 16, progress);
        double hostPerSecond = groups / ((System.nanoTime() - t0) / 1e9);
        awaitLeaders(cluster, created);
        IdleMeter.Sample loaded = IdleMeter.measure(pid, o.idleSeconds(), String.format("Ratis, %,d groups", groups), progress);
        List<String> top = JvmProbe.topClasses(pid, 6);

        progress.accept("  Ratis: kill -9 peer " + cluster.id(0) + " and restart");
        cluster.kill9(0);
        long s0 = System.nanoTime();
        cluster.start(0);
        int loadedGroups = cluster.awaitReady(0, Duration.ofMinutes(10));
        double ready = (System.nanoTime() - s0) / 1e9;
        if (loadedGroups < groups) {
            throw new IOException("Ratis peer " + cluster.id(0) + " came back with " + loadedGroups + " of " + groups + " groups");
        }
        Random rnd = new Random(3);
        int samples = Math.min(o.sampleReads(), groups * 4);
        RaftClient[] clients = new RaftClient[samples];
        for (int i = 0; i < samples; i++) {
            clients[i] = cluster.client(created.get(rnd.nextInt(groups)));
        }
        // a restarted follower serves once it has heard the commit index from its leader
        UntilServing.await(samples, s0 + Duration.ofMinutes(10).toNanos(),
                i -> clients[i].io().sendStaleRead(KvMessages.get("k"), 0, cluster.id(0)).isSuccess());
        double serving = (System.nanoTime() - s0) / 1e9;
        progress.accept(String.format("  Ratis restarted: ready after %.2f s, %d sampled groups answered through it after %.2f s", ready, samples, serving));
        return IdleMeter.perReplica(groups, baseline, loaded, o.idleSeconds(), serving, ready, hostPerSecond, top);
    }
}
