package io.physalia.controlplane.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
    @Test
    void aFullPoolRunsTheTaskOnTheSubmittingThreadAndNeverGrows() throws Exception {
        ThreadPoolExecutor pool = WorkerPool.bounded("test-worker", 2, 3);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch busy = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                pool.execute(() -> {
                    busy.countDown();
                    await(release);
                });
            }
            assertTrue(busy.await(10, TimeUnit.SECONDS), "both workers took a task");
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                pool.execute(ran::incrementAndGet); // fills the queue
            }
            assertEquals(3, pool.getQueue().size());
            AtomicReference<String> ranOn = new AtomicReference<>();
            pool.execute(() -> ranOn.set(Thread.currentThread().getName()));
            assertEquals(Thread.currentThread().getName(), ranOn.get(), "the overflowing task ran on the submitter");

            release.countDown();
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(3, ran.get(), "no queued task was dropped");
            assertEquals(2, pool.getLargestPoolSize(), "the pool never held more threads than it was made with");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadsAreNamedDaemons() throws Exception {
        ThreadPoolExecutor pool = WorkerPool.bounded("named", 1, 1);
        try {
            AtomicReference<Thread> t = new AtomicReference<>();
            pool.submit(() -> t.set(Thread.currentThread())).get(10, TimeUnit.SECONDS);
            assertEquals("named-1", t.get().getName());
            assertTrue(t.get().isDaemon(), "a worker never keeps the process alive");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPoolWithoutThreadsOrQueueIsRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerPool.bounded("x", 0, 1)).getMessage().contains("0 threads"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WorkerPool.bounded("x", 1, 0)).getMessage().contains("queue of 0"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
