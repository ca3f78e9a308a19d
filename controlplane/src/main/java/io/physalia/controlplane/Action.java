package io.physalia.controlplane;

/**
 * One membership change: in cell {@code cellId}, {@code joining} replaces {@code leaving}. The
 * node adapter performs it (add, teach, remove) and reports it caught-up or aborted.
 */
public record Action(long id, ActionKind kind, String cellId, String color, String leaving, String joining,
        long issuedAtMillis) {
    @Override
    public String toString() {
        return "#" + id + " " + kind + " " + cellId + " (" + color + "): " + leaving + " -> " + joining
                + " at " + issuedAtMillis + " ms";
    }
}
