package io.physalia.benchmarks.physalia;

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

/**
 * Idle footprint and restart: one node process hosting {@code --replicas} replicas, each a
 * founding member of a {@code --nodes}-member cell (the other members are configured peers that
 * are not started, so nothing ever wakes the replicas). Heap, RSS and CPU are measured with one
 * replica hosted (the baseline: the hosting code's classes are loaded) and again after hosting
 * the rest; then the node is killed with kill -9, started again, and timed until
 * it is ready and a sample of its replicas answer reads.
 */
public final class PhysaliaIdle {
    private PhysaliaIdle() {}

    public static IdleResult run(PhysaliaColony colony, BenchOptions o, Consumer<String> progress)
            throws IOException, InterruptedException {
        colony.start(0);
        colony.awaitReady(0, Duration.ofSeconds(90), 0, -1);
        long pid = colony.process(0).pid();
        // One replica hosted first, so that the baseline already holds the classes hosting loads.
        colony.hostOn(0, "warm-", 1, 1, progress);
        Thread.sleep(1000); // as before the second measurement: the closed client's connection is gone
        IdleMeter.Sample baseline = IdleMeter.measure(pid, o.idleSeconds(), "baseline (1 replica)", progress);

        long t0 = System.nanoTime();
        colony.hostOn(0, "idle-", o.replicas(), 64, progress);
        double hostPerSecond = o.replicas() / ((System.nanoTime() - t0) / 1e9);
        Thread.sleep(1000); // let the last answers' garbage become garbage
        IdleMeter.Sample loaded = IdleMeter.measure(pid, o.idleSeconds(), String.format("%,d replicas", o.replicas()), progress);
        List<String> top = JvmProbe.topClasses(pid, 6);

        progress.accept("  kill -9 and restart");
        colony.kill9(0);
        long s0 = System.nanoTime();
        colony.start(0);
        colony.awaitReady(0, Duration.ofMinutes(10), 0, o.replicas());
        double ready = (System.nanoTime() - s0) / 1e9;
        Random rnd = new Random(3);
        int[] sample = new int[o.sampleReads()];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = rnd.nextInt(o.replicas());
        }
        UntilServing.await(sample.length, s0 + Duration.ofMinutes(10).toNanos(), i -> colony.get(0,
                "/cells/idle-" + sample[i] + "/keys/k?consistency=eventual").statusCode() == 200);
        double serving = (System.nanoTime() - s0) / 1e9;
        progress.accept(String.format("  restarted: ready after %.2f s, %d sampled replicas answered after %.2f s", ready, o.sampleReads(), serving));
        return IdleMeter.perReplica(o.replicas(), baseline, loaded, o.idleSeconds(), serving, ready, hostPerSecond, top);
    }
}
