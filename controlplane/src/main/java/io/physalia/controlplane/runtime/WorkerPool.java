package io.physalia.controlplane.runtime;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a control plane calls its nodes on: a fixed number of daemon threads and a queue
 * of a fixed length. When both are full, the thread that submits runs the task itself, so a
 * control loop that outpaces its nodes slows down rather than piling up threads or tasks, and no
 * task is dropped. Both adapters (the local colony and the operator) use it.
 */
public final class WorkerPool {
    private WorkerPool() {}

    /** A pool of {@code threads} threads named {@code name-N}, holding at most {@code queueLimit} waiting tasks. */
    public static ThreadPoolExecutor bounded(String name, int threads, int queueLimit) {
        if (threads < 1 || queueLimit < 1) {
            throw new IllegalArgumentException("a worker pool needs at least 1 thread and a queue of at least 1; got "
                    + threads + " threads and a queue of " + queueLimit);
        }
        AtomicInteger made = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueLimit),
                r -> daemon(r, name + "-" + made.incrementAndGet()), new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** A thread named {@code name} that never keeps the process alive: every control-plane thread is one. */
    public static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
