package io.physalia.benchmarks;

import java.util.List;

/**
 * Footprint of {@code replicas} idle replicas on one server process, baseline subtracted, and
 * how long that process took to serve them all again after kill -9.
 *
 * @param cpuMicrosPerReplicaPerMinute CPU time of the process over the idle window, per replica, per minute
 * @param restartSeconds from starting the process to every sampled replica answering a read
 * @param readySeconds   from starting the process to its readiness signal
 * @param hostPerSecond  replicas hosted per second while filling the node
 * @param topClasses     the classes holding most heap ("bytes class")
 */
public record IdleResult(int replicas, double heapBytesPerReplica, double rssBytesPerReplica,
                         double cpuMicrosPerReplicaPerMinute, double restartSeconds, double readySeconds,
                         double hostPerSecond, List<String> topClasses) {}
