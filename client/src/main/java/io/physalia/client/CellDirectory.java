package io.physalia.client;

import io.physalia.core.BoundedMap;
import java.util.Map;

/**
 * The client's cache of cell locations. Entries are kept indefinitely (a stale one costs one
 * forwarding hop or one fresh lookup, never a wrong answer: a node that does not host a cell
 * says so); of two locations for a cell the newer epoch wins. Bounded by {@link #MAX_CELLS},
 * least recently used first out.
 */
final class CellDirectory {
    static final int MAX_CELLS = 100_000;

    private final Map<String, CellLocation> cells = BoundedMap.leastRecentlyUsed(MAX_CELLS);

    synchronized CellLocation get(String cell) {
        return cells.get(cell);
    }

    /** Keeps {@code loc} unless an entry at least as new is cached (an equal epoch keeps the cached leader). */
    synchronized CellLocation offer(CellLocation loc) {
        CellLocation held = cells.get(loc.cell());
        if (held == null || loc.epoch() > held.epoch()) {
            cells.put(loc.cell(), loc);
            return loc;
        }
        if (loc.epoch() == held.epoch() && held.leaderHttp() == null && loc.leaderHttp() != null) {
            held = held.withLeader(loc.leaderHttp());
            cells.put(loc.cell(), held);
        }
        return held;
    }

    /** The member at {@code http} answered as the leader. */
    synchronized void leader(String cell, String http) {
        CellLocation held = cells.get(cell);
        if (held != null && !http.equals(held.leaderHttp())) {
            cells.put(cell, held.withLeader(http));
        }
    }

    /** Every member said it does not host the cell: forget the location (discovery will be asked again). */
    synchronized void forget(String cell) {
        cells.remove(cell);
    }

    synchronized int size() {
        return cells.size();
    }
}
