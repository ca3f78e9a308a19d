package io.physalia.benchmarks;

/**
 * One throughput run: {@code cells} active cells (groups), the load's result, and what the
 * machine was doing meanwhile (cores used by the servers and by the load driver, syncs/s).
 */
public record ThroughputResult(int cells, ClosedLoopLoad.Result load, double serverCores, double driverCores,
                               double syncsPerSecond) {}
