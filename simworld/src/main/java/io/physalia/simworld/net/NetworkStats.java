package io.physalia.simworld.net;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a network's counters. A duplicated message counts once in {@code sent} and
 * once in {@code duplicated}; each copy is then delivered or dropped on its own.
 */
public record NetworkStats(
        long sent, long delivered, long dropped, long duplicated, long inFlight, Map<DropReason, Long> droppedByReason) {

    public NetworkStats {
        // EnumMap rather than Map.copyOf: the latter's iteration order changes from JVM to JVM.
        EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
        copy.putAll(droppedByReason);
        droppedByReason = Collections.unmodifiableMap(copy);
    }

    public long dropped(DropReason reason) {
        return droppedByReason.getOrDefault(reason, 0L);
    }
}
