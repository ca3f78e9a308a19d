package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The census behind physalia_cells_leading and physalia_cells_without_quorum, without a node. */
class ReplicaCensusTest {

    private static ReplicaCensus.MemberSet set(String... nodes) {
        List<Member> m = new ArrayList<>();
        for (String n : nodes) {
            m.add(Member.founding(n));
        }
        return ReplicaCensus.MemberSet.of(new Configuration(m));
    }

    @Test
    void countsReplicasWhoseCellHasNoQuorumAlive() {
        ReplicaCensus c = new ReplicaCensus();
        c.add(set("a", "b", "c"));
        c.add(set("c", "b", "a")); // the same set: one entry, two replicas
        c.add(set("a", "d"));
        assertEquals(2, c.memberSets());
        assertEquals(0, c.withoutQuorum(n -> true));
        assertEquals(1, c.withoutQuorum(n -> !n.equals("d")), "a of {a,d} alone is not a quorum of 2");
        assertEquals(3, c.withoutQuorum(n -> n.equals("a")));
        assertEquals(0, c.withoutQuorum(n -> !n.equals("c")), "2 of 3 is a quorum; {a,d} untouched");
        c.remove(set("a", "b", "c"));
        assertEquals(2, c.withoutQuorum(n -> n.equals("a")));
        c.remove(set("a", "b", "c"));
        c.remove(set("a", "b", "c")); // more removes than adds never go negative
        assertEquals(1, c.memberSets());
        assertEquals(1, c.withoutQuorum(n -> n.equals("a")));
    }

    @Test
    void twoIncarnationsOfOneNodeCountOnce() {
        ReplicaCensus.MemberSet s = ReplicaCensus.MemberSet.of(new Configuration(List.of(
                Member.founding("a"), new Member(new NodeId("a"), 9), Member.founding("b"), Member.founding("c"))));
        assertEquals(List.of("a", "b", "c"), s.nodes());
        assertEquals(3, s.quorum(), "the quorum is of the configuration's four members");
    }

    @Test
    void leadingFollowsTheReplicas() {
        ReplicaCensus c = new ReplicaCensus();
        c.leading(true);
        c.leading(true);
        c.leading(false);
        assertEquals(1, c.leading());
    }

    /**
     * 100,000 replicas of cells of 7 drawn from 300 nodes (a colony node's most): a scrape asks
     * each node's liveness once and walks the distinct member sets, never the replicas.
     */
    @Test
    void aScrapeOfAHundredThousandReplicasAsksEachNodeOnce() {
        ReplicaCensus c = new ReplicaCensus();
        Random random = new Random(7);
        Set<ReplicaCensus.MemberSet> sets = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            List<String> nodes = new ArrayList<>(List.of("self"));
            while (nodes.size() < 7) {
                String n = "n" + random.nextInt(300);
                if (!nodes.contains(n)) {
                    nodes.add(n);
                }
            }
            ReplicaCensus.MemberSet s = set(nodes.toArray(String[]::new));
            sets.add(s);
            c.add(s);
        }
        AtomicInteger asked = new AtomicInteger();
        int without = 0;
        long micros = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) { // the best of five: the first includes the JIT's warm-up
            asked.set(0);
            long start = System.nanoTime();
            without = c.withoutQuorum(n -> {
                asked.incrementAndGet();
                return n.equals("self") || n.compareTo("n2") < 0; // n0, n1, n10..n199: two thirds alive
            });
            micros = Math.min(micros, (System.nanoTime() - start) / 1000);
        }
        assertEquals(sets.size(), c.memberSets());
        assertTrue(asked.get() <= 301, "each node asked once: " + asked.get());
        assertTrue(without > 0 && without < 100_000, "some cells lost their quorum: " + without);
        System.out.printf("census: 100,000 replicas in %,d member sets, one scrape of cells_without_quorum in %,d us%n",
                sets.size(), micros);
    }
}
