package io.physalia.core;

/**
 * Checks that stay on in production. A failed check throws {@link InvariantViolation}; the
 * driver of a cell catches it and stops that cell (never the whole node), so a replica that
 * reached an impossible state does no further harm.
 */
public final class Invariants {
    private Invariants() {}

    public static void check(boolean condition, String what) {
        if (!condition) {
            throw new InvariantViolation(what);
        }
    }

    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, args));
        }
    }

    /** Thrown only by {@link #check}; means "this cell's replica must stop". */
    public static final class InvariantViolation extends RuntimeException {
        public InvariantViolation(String message) {
            super(message);
        }
    }
}
