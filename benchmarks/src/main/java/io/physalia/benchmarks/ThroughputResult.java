package io.physalia.benchmarks;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One throughput run: {@code cells} active cells (groups), the load's result, and what the
 * machine was doing meanwhile (cores used by the servers and by the load driver, syncs/s), and
 * the servers' mean resident memory once it ended ({@code rssBytesPerServer}, -1 where unknown).
 */
public record ThroughputResult(int cells, ClosedLoopLoad.Result load, double serverCores, double driverCores,
                               double syncsPerSecond, double rssBytesPerServer) {

    /**
     * Runs {@link ClosedLoopLoad} on {@code cells} cells and samples, over exactly its measured
     * window, the CPU of {@code serverPids}, of this load driver, and {@code syncs} (a counter of
     * log syncs over all servers; null when the system has none to read: NaN).
     */
    public static ThroughputResult measure(int cells, long[] serverPids, Callable<Double> syncs, BenchOptions o,
                                           ClosedLoopLoad.Writer writer, Consumer<String> progress) throws InterruptedException {
        long self = ProcessHandle.current().pid();
        CompletableFuture<double[]> window = WindowSampler.start(o.warmupSeconds(), o.measureSeconds(),
                () -> new double[] {WindowSampler.cpuSeconds(serverPids), WindowSampler.cpuSeconds(self),
                        syncs == null ? Double.NaN : syncs.call()});
        ClosedLoopLoad.Result r = ClosedLoopLoad.run(cells, o.concurrency(), o.warmupSeconds(), o.measureSeconds(), writer, progress);
        double[] d = window.join();
        double rss = 0;
        for (long pid : serverPids) {
            long b = JvmProbe.rssBytes(pid);
            rss = b < 0 || rss < 0 ? -1 : rss + b;
        }
        return new ThroughputResult(cells, r, d[0] / o.measureSeconds(), d[1] / o.measureSeconds(), d[2] / o.measureSeconds(),
                rss < 0 ? -1 : rss / serverPids.length);
    }
}
