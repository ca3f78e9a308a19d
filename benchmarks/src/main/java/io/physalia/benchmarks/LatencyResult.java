package io.physalia.benchmarks;

/**
 * Sequential single-cell latencies of one system. {@code localReadShare}: the share of
 * linearizable reads the leader answered from its lease without a log round (NaN if unknown).
 * {@code requestFloor}: the same client's round trip for a request that does no cell work (null
 * if not measured): what every figure above pays before any consensus. {@code leaderSyncsPerWrite}:
 * the leader's log syncs per sequential write (NaN if unknown): each is an fsync the write waits for.
 */
public record LatencyResult(LatencyRecorder writes, LatencyRecorder linearizableReads, LatencyRecorder followerReads,
                            double localReadShare, LatencyRecorder requestFloor, double leaderSyncsPerWrite) {}
