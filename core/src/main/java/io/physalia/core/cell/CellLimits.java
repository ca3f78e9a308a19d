package io.physalia.core.cell;

import io.physalia.core.kv.Limits;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Limits of one cell beyond its data: client sessions remembered, members, leases, names.
 * Part of the spec, like {@link Limits}: a command that would break one is rejected.
 *
 * <p>The static constants are the one source of a cell's size and name limits: the engine, the
 * control plane, the node's API, the command line and the CRD schema all read them from here.
 */
public record CellLimits(Limits data, int maxSessions, int maxMembers, int maxLeases, long maxLeaseMillis,
                         int maxNameBytes, int maxCommandsPerBatch) {
    /** Most members a cell may have. */
    public static final int MAX_MEMBERS = 15;
    /** Fewest members a cell may have; the engine runs a cell of one. */
    public static final int MIN_MEMBERS = 1;
    /** Fewest members of a cell the control plane places: one a rack, on at least three racks. */
    public static final int MIN_PLACED_MEMBERS = 3;
    /** Longest cell name, in characters. */
    public static final int CELL_NAME_MAX_LENGTH = 128;
    /** A cell name: a letter or digit, then letters, digits, '.', '_' or '-'. */
    public static final String CELL_NAME_REGEX = "[A-Za-z0-9][A-Za-z0-9._-]{0," + (CELL_NAME_MAX_LENGTH - 1) + "}";

    private static final Pattern CELL_NAME = Pattern.compile(CELL_NAME_REGEX);

    public static final CellLimits DEFAULT = new CellLimits(Limits.DEFAULT, 1024, MAX_MEMBERS, 1024, 600_000, 256, 64);

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

    /** Whether {@code name} is a cell name ({@link #CELL_NAME_REGEX}). */
    public static boolean isCellName(String name) {
        return name != null && CELL_NAME.matcher(name).matches();
    }

    /** What is wrong with {@code name} as a cell name, empty when nothing is. */
    public static Optional<String> cellNameProblem(String name) {
        if (isCellName(name)) {
            return Optional.empty();
        }
        return Optional.of("cell name '" + name + "' must be 1-" + CELL_NAME_MAX_LENGTH
                + " letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    /** What is wrong with {@code size} as the size of a placed cell, named {@code what} in the message; empty when nothing is. */
    public static Optional<String> placedSizeProblem(String what, int size) {
        if (size >= MIN_PLACED_MEMBERS && size <= MAX_MEMBERS && size % 2 == 1) {
            return Optional.empty();
        }
        return Optional.of(what + " must be odd, from " + MIN_PLACED_MEMBERS + " to " + MAX_MEMBERS + "; got " + size);
    }

    /** Throws {@link IllegalArgumentException}, saying what is wrong, unless {@code name} is a cell name. */
    public static void validateCellName(String name) {
        cellNameProblem(name).ifPresent(CellLimits::reject);
    }

    /** Throws {@link IllegalArgumentException}, saying what is wrong, unless {@code size} is the size of a placed cell. */
    public static void validatePlacedSize(String what, int size) {
        placedSizeProblem(what, size).ifPresent(CellLimits::reject);
    }

    private static void reject(String problem) {
        throw new IllegalArgumentException(problem);
    }

    private static void requirePositive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + v);
        }
    }
}
