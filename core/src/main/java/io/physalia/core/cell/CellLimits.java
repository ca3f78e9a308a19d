package io.physalia.core.cell;

import io.physalia.core.kv.Limits;

/**
 * Limits of one cell beyond its data: client sessions remembered, members, leases, names.
 * Part of the spec, like {@link Limits}: a command that would break one is rejected.
 */
public record CellLimits(Limits data, int maxSessions, int maxMembers, int maxLeases, long maxLeaseMillis,
                         int maxNameBytes, int maxCommandsPerBatch) {
    public static final CellLimits DEFAULT = new CellLimits(Limits.DEFAULT, 1024, 15, 1024, 600_000, 256, 64);

    public CellLimits {
        if (data == null) {
            throw new IllegalArgumentException("data limits are required");
        }
        requirePositive("maxSessions", maxSessions);
        requirePositive("maxMembers", maxMembers);
        requirePositive("maxLeases", maxLeases);
        requirePositive("maxLeaseMillis", maxLeaseMillis);
        requirePositive("maxNameBytes", maxNameBytes);
        requirePositive("maxCommandsPerBatch", maxCommandsPerBatch);
    }

    private static void requirePositive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + v);
        }
    }
}
