package io.physalia.controlplane;

/**
 * Positive counts by non-zero long key, in two flat arrays with linear probing. Used where
 * colony scale (a million cells on 10,000 nodes) makes boxed maps cost several times the memory
 * and most of the placement time: each node's count of cells shared with each other node (keyed
 * by the other's index + 1), and the fleet's count of cells per member set (keyed by the set's
 * hash). A count that drops to zero removes its key.
 */
final class Counts {
    private static final long EMPTY = 0;
    private long[] keys;
    private int[] counts;
    private int size;

    Counts() {
        keys = new long[8];
        counts = new int[8];
    }

    int size() {
        return size;
    }

    /** The count for {@code key}, 0 if absent. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return counts[i];
            }
            if (k == EMPTY) {
                return 0;
            }
        }
    }

    /**
     * The table's keys, for a fast scan by placement: slot {@code i} holds key {@code keys()[i]}
     * (0 when empty) with count {@code counts()[i]}. Read only, and only until the next change.
     */
    long[] keys() {
        return keys;
    }

    /** The table's counts, parallel to {@link #keys()}. */
    int[] counts() {
        return counts;
    }

    void increment(long key) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("key must not be 0");
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                counts[i]++;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                counts[i] = 1;
                if (++size * 4 > keys.length * 3) {
                    grow();
                }
                return;
            }
        }
    }

    /** Decrements {@code key}'s count, removing it at zero; absent keys are left alone. */
    void decrement(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == EMPTY) {
                return;
            }
            if (k == key) {
                if (--counts[i] == 0) {
                    remove(i, mask);
                }
                return;
            }
        }
    }

    /** Backward-shift deletion: later entries of the probe run move up, so lookups need no tombstones. */
    private void remove(int hole, int mask) {
        size--;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            long k = keys[i];
            if (k == EMPTY) {
                break;
            }
            int home = slot(k, mask);
            // k stays unless the hole lies cyclically between its home slot and where it sits.
            boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays) {
                keys[hole] = k;
                counts[hole] = counts[i];
                hole = i;
            }
        }
        keys[hole] = EMPTY;
        counts[hole] = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != EMPTY) {
                int i = slot(oldKeys[j], mask);
                while (keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                counts[i] = oldCounts[j];
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
