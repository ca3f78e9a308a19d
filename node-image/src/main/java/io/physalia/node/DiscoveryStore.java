package io.physalia.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of part of the discovery cache: cell to members, for the cells whose owners
 * ({@link DiscoveryOwners}) include this node. Eventually consistent: an entry replaces the one
 * held only if its epoch is newer, so pushes may arrive late, twice or out of order.
 */
final class DiscoveryStore {
    private final Map<String, DiscoveryEntry> entries = new ConcurrentHashMap<>();

    /** Keeps {@code e} if it is newer than what is held (or fills in addresses of the same epoch); true if kept. */
    boolean offer(DiscoveryEntry e) {
        boolean[] kept = new boolean[1];
        entries.compute(e.cell(), (cell, held) -> {
            if (e.newerThan(held)) {
                kept[0] = true;
                return e;
            }
            if (held.epoch() == e.epoch() && held.members().size() == e.members().size()) {
                DiscoveryEntry filled = held.withAddresses(node -> addressIn(e, node));
                DiscoveryEntry hinted = e.leader() != null ? new DiscoveryEntry(cell, held.epoch(), filled.members(), e.leader()) : filled;
                kept[0] = !hinted.equals(held);
                return hinted;
            }
            return held;
        });
        return kept[0];
    }

    private static String addressIn(DiscoveryEntry e, String node) {
        for (DiscoveryEntry.Located l : e.members()) {
            if (l.node().equals(node)) {
                return l.http();
            }
        }
        return null;
    }

    DiscoveryEntry get(String cell) {
        return entries.get(cell);
    }

    int size() {
        return entries.size();
    }
}
