package io.physalia.benchmarks;

import java.io.IOException;
import java.util.function.Consumer;

/** Heap, resident memory and CPU of one idle server process over a window. */
public final class IdleMeter {
    /** Live heap and RSS after full collections, and CPU seconds used during {@code seconds} of idling. */
    public record Sample(long heapBytes, long rssBytes, double cpuSeconds) {}

    private IdleMeter() {}

    public static Sample measure(long pid, int seconds, String what, Consumer<String> progress) throws IOException, InterruptedException {
        long heap = JvmProbe.liveHeapBytes(pid);
        long rss = JvmProbe.rssBytes(pid);
        progress.accept(String.format("  %s: live heap %,d KiB, RSS %,d KiB; idling %d s for CPU", what, heap >> 10, rss >> 10, seconds));
        double c0 = WindowSampler.cpuSeconds(pid);
        Thread.sleep(seconds * 1000L);
        double c1 = WindowSampler.cpuSeconds(pid);
        return new Sample(heap, rss, c1 - c0);
    }

    /** Per-replica figures of {@code loaded} over {@code baseline}. */
    public static IdleResult perReplica(int replicas, Sample baseline, Sample loaded, int seconds, double restartSeconds,
                                        double readySeconds, double hostPerSecond, java.util.List<String> top) {
        // whole nanoseconds: the difference of two equal readings must be 0, not a rounding residue
        double cpuPerMinute = Math.round((loaded.cpuSeconds() - baseline.cpuSeconds()) * 1e9) / 1e9 * 60.0 / seconds;
        return new IdleResult(replicas, (double) (loaded.heapBytes() - baseline.heapBytes()) / replicas,
                (double) (loaded.rssBytes() - baseline.rssBytes()) / replicas,
                Math.max(0, cpuPerMinute) * 1e6 / replicas, restartSeconds, readySeconds, hostPerSecond, top);
    }
}
