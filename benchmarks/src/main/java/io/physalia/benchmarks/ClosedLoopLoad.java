package io.physalia.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The load both systems get in the throughput benchmark: {@code concurrency} requests always in
 * flight, each to a cell that has none in flight (one writer per cell, as a cell's single
 * client would), cells taken round-robin so every cell stays active. Counts writes that
 * completed, committed, inside the measured window that follows a warm-up.
 */
public final class ClosedLoopLoad {
    /** Sends one write to cell {@code index}; completes with true if it committed. Must not throw. */
    public interface Writer {
        CompletableFuture<Boolean> write(int index);
    }

    public record Result(long committed, long failed, double seconds, LatencyRecorder latency) {
        public double perSecond() {
            return committed / seconds;
        }
    }

    private ClosedLoopLoad() {}

    public static Result run(int cells, int concurrency, int warmupSeconds, int measureSeconds, Writer writer,
                             Consumer<String> progress) throws InterruptedException {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < cells; i++) {
            order.add(i);
        }
        Collections.shuffle(order);
        ConcurrentLinkedQueue<Integer> free = new ConcurrentLinkedQueue<>(order);
        int chains = Math.min(concurrency, cells);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(measureSeconds);
        AtomicLong committed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        LatencyRecorder latency = new LatencyRecorder();
        CountDownLatch done = new CountDownLatch(chains);
        ExecutorService next = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "load-driver");
            t.setDaemon(true);
            return t;
        });
        Runnable[] chain = new Runnable[1];
        chain[0] = () -> {
            long now = System.nanoTime();
            Integer cell = free.poll();
            if (now >= measureTo || cell == null) {
                done.countDown();
                return;
            }
            CompletableFuture<Boolean> f;
            try {
                f = writer.write(cell);
            } catch (RuntimeException e) {
                f = CompletableFuture.completedFuture(false);
            }
            f.whenCompleteAsync((ok, err) -> {
                long end = System.nanoTime();
                if (end >= measureFrom && end <= measureTo) { // completions inside the window, whenever sent
                    if (err == null && Boolean.TRUE.equals(ok)) {
                        committed.incrementAndGet();
                        latency.record(end - now);
                    } else {
                        failed.incrementAndGet();
                    }
                }
                free.add(cell);
                chain[0].run();
            }, next);
        };
        for (int i = 0; i < chains; i++) {
            next.execute(chain[0]);
        }
        long total = measureTo - start;
        while (!done.await(5, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            String phase = now < measureFrom ? "warm-up" : now < measureTo ? "measuring" : "draining";
            progress.accept(String.format("  %s, %d%% of %d s; %,d committed in the window so far", phase,
                    Math.min(100, (now - start) * 100 / total), TimeUnit.NANOSECONDS.toSeconds(total), committed.get()));
            if (now > measureTo + TimeUnit.SECONDS.toNanos(60)) {
                progress.accept("  " + done.getCount() + " requests still unanswered 60 s after the window; not waiting");
                break;
            }
        }
        next.shutdownNow();
        return new Result(committed.get(), failed.get(), measureSeconds, latency);
    }

    /**
     * One committed write to every cell, {@code concurrency} at a time, each retried up to ten
     * times (the first write of a cell elects its leader). Returns the cells that never committed.
     */
    public static long once(int cells, int concurrency, Writer writer) throws InterruptedException {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(concurrency);
        AtomicLong failed = new AtomicLong();
        for (int i = 0; i < cells; i++) {
            window.acquire();
            retry(writer, i, 10).whenComplete((ok, err) -> {
                if (err != null || !ok) {
                    failed.incrementAndGet();
                }
                window.release();
            });
        }
        window.acquire(concurrency);
        return failed.get();
    }

    private static CompletableFuture<Boolean> retry(Writer writer, int cell, int attempts) {
        CompletableFuture<Boolean> f;
        try {
            f = writer.write(cell);
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(false);
        }
        return f.handle((ok, err) -> err == null && ok).thenCompose(ok -> ok || attempts <= 1
                ? CompletableFuture.completedFuture(ok) : retry(writer, cell, attempts - 1));
    }
}
