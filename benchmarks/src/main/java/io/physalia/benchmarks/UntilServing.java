package io.physalia.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * After a restart: asks sampled replicas to answer a read, each again and again until it does,
 * 16 at a time (so the sampling itself adds little to the time measured), both systems alike.
 */
public final class UntilServing {
    /** One read of sample {@code i}: true if it was answered, false to ask again; may throw to ask again. */
    public interface Probe {
        boolean answered(int i) throws Exception;
    }

    private UntilServing() {}

    /** Returns once every sample {@code 0..count-1} has answered; fails after {@code deadlineNanos} (System.nanoTime). */
    public static void await(int count, long deadlineNanos, Probe probe) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int sample = i;
                all.add(pool.submit(() -> {
                    String last = "no answer";
                    while (System.nanoTime() < deadlineNanos) {
                        try {
                            if (probe.answered(sample)) {
                                return null;
                            }
                        } catch (Exception e) {
                            last = e.toString();
                        }
                        Thread.sleep(5);
                    }
                    throw new IOException("sample " + sample + " still does not answer: " + last);
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IOException("after the restart: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
