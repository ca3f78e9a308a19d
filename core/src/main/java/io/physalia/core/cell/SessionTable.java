package io.physalia.core.cell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Exactly-once application of retried client commands: the latest (seq, result) per client.
 * Bounded: past {@code maxSessions} the session applied longest ago is forgotten, chosen
 * deterministically (by slot, then client id) so every replica forgets the same one.
 */
final class SessionTable {
    private final int maxSessions;
    private TreeMap<String, SessionEntry> sessions;

    SessionTable(int maxSessions, List<SessionEntry> initial) {
        this.maxSessions = maxSessions;
        for (SessionEntry e : initial) {
            map().put(e.clientId(), e);
        }
    }

    private TreeMap<String, SessionEntry> map() {
        if (sessions == null) {
            sessions = new TreeMap<>();
        }
        return sessions;
    }

    /** The recorded entry if this (client, seq) was already applied or is older; else null. */
    SessionEntry seen(String clientId, long seq) {
        if (clientId.isEmpty() || sessions == null) {
            return null;
        }
        SessionEntry e = sessions.get(clientId);
        return e != null && seq <= e.seq() ? e : null;
    }

    void record(String clientId, long seq, long slot, CommandResult result) {
        if (clientId.isEmpty()) {
            return; // session-less reads are not retried by seq
        }
        map().put(clientId, new SessionEntry(clientId, seq, slot, result));
        if (sessions.size() > maxSessions) {
            SessionEntry oldest = sessions.values().stream()
                    .min(Comparator.comparingLong(SessionEntry::slot).thenComparing(SessionEntry::clientId))
                    .orElseThrow();
            sessions.remove(oldest.clientId());
        }
    }

    List<SessionEntry> all() {
        return sessions == null ? List.of() : new ArrayList<>(sessions.values());
    }
}
