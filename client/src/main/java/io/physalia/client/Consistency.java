package io.physalia.client;

/**
 * How fresh a read must be. LINEARIZABLE reads see every write acknowledged before they began
 * (served by the leader). EVENTUAL reads are served by any member, from a consistent prefix of
 * the log; within one {@link Session} they never go back in time (monotonic reads).
 */
public enum Consistency {
    LINEARIZABLE, EVENTUAL;

    String param() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses "linearizable" or "eventual". */
    public static Consistency parse(String s) {
        for (Consistency c : values()) {
            if (c.param().equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("consistency '" + s + "' must be linearizable or eventual");
    }
}
