package io.physalia.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that never holds more than {@link #limit()} entries: past it, the eldest goes (the least
 * recently inserted, or the least recently used for {@link #leastRecentlyUsed}). For caches
 * whose misses cost a lookup, never a wrong answer. Not thread-safe: callers synchronize.
 */
public final class BoundedMap<K, V> extends LinkedHashMap<K, V> {
    private final int limit;

    private BoundedMap(int limit, boolean accessOrder) {
        super(16, 0.75f, accessOrder);
        if (limit < 1) {
            throw new IllegalArgumentException("a bounded map holds at least 1 entry; got a limit of " + limit);
        }
        this.limit = limit;
    }

    /** Evicts the entry inserted longest ago. */
    public static <K, V> BoundedMap<K, V> oldestFirstOut(int limit) {
        return new BoundedMap<>(limit, false);
    }

    /** Evicts the entry read or written longest ago. */
    public static <K, V> BoundedMap<K, V> leastRecentlyUsed(int limit) {
        return new BoundedMap<>(limit, true);
    }

    public int limit() {
        return limit;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > limit;
    }
}
