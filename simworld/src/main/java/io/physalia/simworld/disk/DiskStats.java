package io.physalia.simworld.disk;

/** A snapshot of a disk's counters. */
public record DiskStats(
        long appends, long appendsRejected, long syncsRequested, long syncsCompleted, long crashes, long lostOnCrash) {}
