package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The compact counters behind placement's overlap term and member-set index. */
class CountsTest {
    @Test
    void agreesWithAMapThroughRandomIncrementsAndDecrements() {
        Random rnd = new Random(7);
        Counts counts = new Counts();
        Map<Long, Integer> reference = new HashMap<>();
        long[] wide = new long[500];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = rnd.nextLong() | 1;
        }
        for (int step = 0; step < 60_000; step++) {
            // Few distinct keys, so probe runs collide, grow and shrink through backward-shift deletion.
            long key = rnd.nextInt(3) == 0 ? wide[rnd.nextInt(wide.length)] : 1 + rnd.nextInt(300);
            if (rnd.nextInt(5) < 3) {
                counts.increment(key);
                reference.merge(key, 1, Integer::sum);
            } else {
                counts.decrement(key);
                reference.computeIfPresent(key, (k, v) -> v == 1 ? null : v - 1);
            }
            if (step % 1_000 == 0) {
                for (Map.Entry<Long, Integer> e : reference.entrySet()) {
                    assertEquals(e.getValue(), counts.get(e.getKey()), "key " + e.getKey() + " at step " + step);
                }
                assertEquals(reference.size(), counts.size());
            }
        }
        int scanned = 0;
        long[] keys = counts.keys();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                scanned++;
                assertEquals(reference.get(keys[i]), counts.counts()[i]);
            }
        }
        assertEquals(reference.size(), scanned);
        assertThrows(IllegalArgumentException.class, () -> counts.increment(0));
    }

    /**
     * A row and color with more nodes than a dense matrix allows keeps its pair counts in the
     * nodes; a group that outgrows the matrix after cells are placed moves its counts there. The
     * counts agree with a recount either way, and placement still spreads cells over racks.
     */
    @Test
    void aGroupThatOutgrowsItsMatrixKeepsItsCounts() {
        Fleet f = new Fleet();
        int racks = 40;
        for (int i = 0; i < 1_000; i++) {
            f.addNode(node(i, racks), "blue", 100);
        }
        ControlPlane cp = new ControlPlane(f, new Random(3));
        Location here = new Location("z1", "r1", "k1");
        for (int i = 0; i < 300; i++) {
            assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("a" + i, List.of(here))));
        }
        PlacementPropertyTest.assertSharedCountsMatchARecount(f);
        for (int i = 1_000; i < NodeGroup.DENSE_LIMIT + 50; i++) {
            f.addNode(node(i, racks), "blue", 100);
        }
        PlacementPropertyTest.assertSharedCountsMatchARecount(f);
        for (int i = 0; i < 300; i++) {
            assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("b" + i, List.of(here))));
        }
        cp.setNodeHealth(f.cell("a0").orElseThrow().members().get(0).name(), false);
        Action a = cp.tick(0).get(0);
        cp.reportCaughtUp(a.id());
        PlacementPropertyTest.assertSharedCountsMatchARecount(f);
        for (Cell c : f.cells()) {
            assertEquals(List.of(), Rules.violations(c, true));
        }
        assertEquals(0, OverlapStats.of(f).identicalMemberSets());
    }

    private static NodeTopology node(int i, int racks) {
        String rack = "k" + (1 + i % racks);
        return new NodeTopology(String.format("n%04d", i), "z1", "r1", rack, "p" + (1 + i % 7));
    }
}
