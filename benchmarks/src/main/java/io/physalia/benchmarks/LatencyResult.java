package io.physalia.benchmarks;

/**
 * Sequential single-cell latencies of one system. {@code localReadShare}: the share of
 * linearizable reads the leader answered from its lease without a log round (NaN if unknown).
 */
public record LatencyResult(LatencyRecorder writes, LatencyRecorder linearizableReads, LatencyRecorder followerReads,
                            double localReadShare) {}
