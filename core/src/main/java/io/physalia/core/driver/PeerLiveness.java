package io.physalia.core.driver;

import java.util.Map;
import java.util.Set;

/**
 * A node's view of which peers are alive, kept per node pair (never per cell): a peer is alive
 * if something from it arrived within {@link #deadAfterMillis()} on this node's monotonic
 * clock. Every node pings every peer each {@link #pingEveryMillis()}, so a live peer is never
 * quiet that long; the replicas of all cells read this one view through their {@code Context}.
 */
public final class PeerLiveness {
    /** A dead peer is declared after this many ping periods of silence, at least. */
    public static final int MIN_MISSED_PINGS = 3;

    private final long pingEveryMillis;
    private final long deadAfterMillis;
    private final Map<String, Long> lastHeardAtMillis;

    /**
     * {@code lastHeardAtMillis} holds the readings; the adapter picks the map (a concurrent one
     * where several threads read the view).
     */
    public PeerLiveness(long pingEveryMillis, long deadAfterMillis, Map<String, Long> lastHeardAtMillis) {
        if (pingEveryMillis < 1) {
            throw new IllegalArgumentException("ping period must be at least 1 ms; got " + pingEveryMillis);
        }
        if (deadAfterMillis < MIN_MISSED_PINGS * pingEveryMillis) {
            throw new IllegalArgumentException("a peer may be declared dead only after " + MIN_MISSED_PINGS
                    + " ping periods (" + MIN_MISSED_PINGS * pingEveryMillis + " ms); got " + deadAfterMillis + " ms");
        }
        this.pingEveryMillis = pingEveryMillis;
        this.deadAfterMillis = deadAfterMillis;
        this.lastHeardAtMillis = lastHeardAtMillis;
    }

    public long pingEveryMillis() {
        return pingEveryMillis;
    }

    public long deadAfterMillis() {
        return deadAfterMillis;
    }

    /**
     * Something from {@code peer} arrived at {@code nowMillis}. Returns true if the peer was not
     * alive just before (never heard, or silent too long): its link came back, and cells it
     * shares with this node may have outcomes to tell it.
     */
    public boolean heard(String peer, long nowMillis) {
        Long before = lastHeardAtMillis.put(peer, nowMillis);
        return before == null || nowMillis - before > deadAfterMillis;
    }

    /**
     * The link to {@code peer} broke (its connection closed): it is not alive until something
     * from it arrives again. A killed process's sockets close at once, so its peers know within a
     * round trip instead of after {@link #deadAfterMillis()} of silence, and a successor to a
     * leader on it campaigns as soon as that leader's lease allows; a machine that lost power
     * closes nothing, and its silence tells.
     */
    public void lost(String peer) {
        lastHeardAtMillis.remove(peer);
    }

    public boolean alive(String peer, long nowMillis) {
        Long heard = lastHeardAtMillis.get(peer);
        return heard != null && nowMillis - heard <= deadAfterMillis;
    }

    /** Forgets every peer not in {@code peers} (they left the directory). */
    public void retainOnly(Set<String> peers) {
        lastHeardAtMillis.keySet().retainAll(peers);
    }

    /** Forgets every peer (this node crashed). */
    public void clear() {
        lastHeardAtMillis.clear();
    }
}
