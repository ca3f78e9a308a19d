package io.physalia.node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which nodes hold a cell's discovery entry: the {@code copies} nodes ranked highest for the cell
 * by rendezvous hashing. Every node computes the same owners from the same node list, a node
 * joining or leaving moves only the entries it ranks highest for, and no coordination is needed.
 */
final class DiscoveryOwners {
    private DiscoveryOwners() {}

    static List<String> owners(String cell, Collection<String> nodes, int copies) {
        List<String> ranked = new ArrayList<>(nodes);
        ranked.sort(Comparator.comparingLong((String n) -> score(cell, n)).reversed().thenComparing(n -> n));
        return List.copyOf(ranked.subList(0, Math.min(copies, ranked.size())));
    }

    /** A stable 64-bit score (FNV-1a, then a finalizer to spread the bits); the same on every JVM. */
    static long score(String cell, String node) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (cell + "\u0000" + node).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
