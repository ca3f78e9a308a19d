package io.physalia.benchmarks;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Takes a sample (any counters: CPU seconds, syncs) when a measured window opens and when it
 * closes, on a thread of its own, and gives the differences.
 */
public final class WindowSampler {
    private WindowSampler() {}

    /** Samples {@code warmupSeconds} from now and {@code measureSeconds} after that; completes with end minus start. */
    public static CompletableFuture<double[]> start(int warmupSeconds, int measureSeconds, Callable<double[]> sample) {
        CompletableFuture<double[]> result = new CompletableFuture<>();
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            try {
                sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warmupSeconds));
                double[] a = sample.call();
                sleepUntil(t0 + TimeUnit.SECONDS.toNanos(warmupSeconds + (long) measureSeconds));
                double[] b = sample.call();
                double[] d = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    d[i] = b[i] - a[i];
                }
                result.complete(d);
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        }, "window-sampler");
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** CPU seconds used so far by the processes {@code pids} together. */
    public static double cpuSeconds(long... pids) throws java.io.IOException {
        double s = 0;
        for (long pid : pids) {
            s += JvmProbe.cpu(pid).toNanos() / 1e9;
        }
        return s;
    }
}
