package io.physalia.client;

/** Who holds a lease, as a read of the cell saw it ({@code held} false: nobody). */
public record LeaseInfo(String cell, String lease, boolean held, String holder, long token, long version,
                        long durationMillis, long appliedUpTo) {}
