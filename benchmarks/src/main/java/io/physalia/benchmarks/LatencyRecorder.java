package io.physalia.benchmarks;

import org.HdrHistogram.Histogram;

/** Latencies of one kind of operation, in an HdrHistogram (1 µs to 60 s, 3 significant digits). */
public final class LatencyRecorder {
    private final Histogram histogram = new Histogram(1, 60_000_000, 3);

    /** Records one operation that took {@code nanos}. */
    public synchronized void record(long nanos) {
        histogram.recordValue(Math.max(1, Math.min(60_000_000, nanos / 1_000)));
    }

    public synchronized long count() {
        return histogram.getTotalCount();
    }

    /** The {@code percentile} (0-100) in milliseconds. */
    public synchronized double millis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
