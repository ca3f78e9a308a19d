package io.physalia.node;

import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The hosted replicas as the metrics count them, kept up to date as they change, so a scrape
 * never walks the replicas: how many lead their cell, and how many replicas share each member
 * set (cells with the same nodes have the same quorum in reach). A scrape costs one liveness
 * look-up per distinct node and one pass over the distinct member sets, at most the number of
 * replicas and usually far fewer. Each replica reports from its own cell context; the counts are
 * read from any thread.
 */
final class ReplicaCensus {
    /** A cell's nodes (by name, sorted) and how many of them make a quorum. */
    record MemberSet(List<String> nodes, int quorum) {
        static MemberSet of(Configuration c) {
            List<String> names = new ArrayList<>(c.members().size());
            for (Member m : c.members()) {
                String n = m.node().name();
                if (!names.contains(n)) { // two incarnations of one node are one node for liveness
                    names.add(n);
                }
            }
            return new MemberSet(List.copyOf(names), c.quorumSize());
        }
    }

    private final AtomicInteger leading = new AtomicInteger();
    private final Map<MemberSet, Integer> replicasBySet = new ConcurrentHashMap<>();

    /** A replica with these members is hosted now. */
    void add(MemberSet set) {
        replicasBySet.merge(set, 1, Integer::sum);
    }

    /** A replica with these members is no longer hosted (or now has other members). */
    void remove(MemberSet set) {
        replicasBySet.computeIfPresent(set, (k, n) -> n == 1 ? null : n - 1);
    }

    /** A replica started ({@code true}) or stopped leading its cell. */
    void leading(boolean now) {
        if (now) {
            leading.incrementAndGet();
        } else {
            leading.decrementAndGet();
        }
    }

    /** Replicas hosted here that lead their cell. */
    int leading() {
        return leading.get();
    }

    /** Distinct member sets among the hosted replicas. */
    int memberSets() {
        return replicasBySet.size();
    }

    /**
     * Hosted replicas whose cell has fewer members {@code alive} than a quorum; each node is asked
     * once per call.
     */
    int withoutQuorum(Predicate<String> alive) {
        Map<String, Boolean> seen = new HashMap<>();
        int without = 0;
        for (Map.Entry<MemberSet, Integer> e : replicasBySet.entrySet()) {
            int up = 0;
            for (String n : e.getKey().nodes()) {
                if (seen.computeIfAbsent(n, alive::test)) {
                    up++;
                }
            }
            if (up < e.getKey().quorum()) {
                without += e.getValue();
            }
        }
        return without;
    }
}
