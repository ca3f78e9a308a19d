package io.physalia.client;

/** Who holds a lease, as a read of the cell saw it ({@code held} false: nobody); {@code json} is the node's answer. */
public record LeaseInfo(String cell, String lease, boolean held, String holder, long token, long version,
                        long durationMillis, long appliedUpTo, String json) {}
