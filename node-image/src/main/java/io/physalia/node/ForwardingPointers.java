package io.physalia.node;

import io.physalia.core.BoundedMap;
import java.util.Map;

/**
 * Where cells that left this node went: kept when a cell is dropped here after a move, so a
 * client with an old location is sent on (308) instead of being told only "not here". Bounded:
 * past {@link #MAX_POINTERS} the oldest pointer is forgotten (the client then asks discovery).
 * In memory only: a restart forgets them, with the same fallback.
 */
final class ForwardingPointers {
    static final int MAX_POINTERS = 100_000;

    private final Map<String, DiscoveryEntry> pointers = BoundedMap.oldestFirstOut(MAX_POINTERS);

    synchronized void put(DiscoveryEntry movedTo) {
        pointers.remove(movedTo.cell());
        pointers.put(movedTo.cell(), movedTo);
    }

    synchronized DiscoveryEntry get(String cell) {
        return pointers.get(cell);
    }

    /** The cell is hosted here again: the pointer no longer applies. */
    synchronized void remove(String cell) {
        pointers.remove(cell);
    }

    synchronized int size() {
        return pointers.size();
    }
}
