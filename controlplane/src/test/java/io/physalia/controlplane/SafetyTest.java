package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.topology.Location;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SafetyTest {
    @Test
    void tokenBucketRefillsOnTheGivenClock() {
        TokenBucket b = new TokenBucket(2, 100);
        assertTrue(b.tryTake(1_000));
        assertTrue(b.tryTake(1_000));
        assertFalse(b.tryTake(1_099));
        assertTrue(b.tryTake(1_100));
        assertFalse(b.tryTake(1_150));
        assertFalse(b.tryTake(500), "time going backwards adds nothing");
        assertEquals(2, b.available(10_000), "never more than the burst");
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1));
    }

    @Test
    void tokenBucketKeepsFractionalProgress() {
        TokenBucket b = new TokenBucket(1, 100);
        assertTrue(b.tryTake(0));
        assertFalse(b.tryTake(60));
        assertFalse(b.tryTake(99));
        assertTrue(b.tryTake(100));
        assertFalse(b.tryTake(150));
        assertTrue(b.tryTake(200));
    }

    private static final Location HERE = new Location("z1", "z1r1", "z1r1k1");

    /**
     * Half of the nodes fail at once. Actions stay within the global and per-color limits in
     * every window, no cell ever has two actions in flight, and every issued action keeps the
     * rules. Actions catch up 5 seconds after they are issued.
     */
    @Test
    void massFailureStaysWithinTheRateLimits() {
        List<String> colors = List.of("blue", "green", "red", "amber");
        Fleet f = Fleets.colored(Fleets.regular(1, 3, 10, 8, 5), colors, 200);
        RateLimits.Config limits = new RateLimits.Config(10, 1_000, 4, 3_000);
        ControlPlane cp = new ControlPlane(f, limits, PlacementPolicy.DEFAULT, new Random(11));
        Random rnd = new Random(12);
        for (int i = 0; i < 1500; i++) {
            assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c" + i, Fleets.randomClients(f, rnd))));
        }
        List<Node> shuffled = new ArrayList<>(f.nodes());
        java.util.Collections.shuffle(shuffled, rnd);
        for (Node n : shuffled.subList(0, shuffled.size() / 2)) {
            cp.setNodeHealth(n.name(), false);
        }
        List<Action> all = new ArrayList<>();
        ArrayDeque<Action> pending = new ArrayDeque<>();
        for (long now = 0; now <= 20 * 60_000; now += 1_000) {
            while (!pending.isEmpty() && pending.peek().issuedAtMillis() + 5_000 <= now) {
                cp.reportCaughtUp(pending.poll().id());
            }
            for (Action a : cp.tick(now)) {
                all.add(a);
                pending.add(a);
                Cell c = f.cell(a.cellId()).orElseThrow();
                assertEquals(List.of(), Rules.violations(c, false), a.toString());
                assertTrue(c.unhealthyMembers() < c.size() / 2 + 1);
            }
            Map<String, Integer> perCell = new HashMap<>();
            for (Action a : cp.status().inFlight()) {
                assertEquals(1, perCell.merge(a.cellId(), 1, Integer::sum), "one action per cell: " + a);
            }
        }
        assertTrue(all.size() > 500, "made progress: " + all.size());
        assertWithin(all, limits.globalBurst(), limits.globalRefillMillis(), "global");
        for (String color : colors) {
            assertWithin(all.stream().filter(a -> a.color().equals(color)).toList(), limits.colorBurst(),
                    limits.colorRefillMillis(), color);
        }
        assertTrue(cp.status().deferredByRateLimit() > 0);
    }

    /** In every window [t1, t2], at most burst + (t2 - t1) / refill actions. */
    private static void assertWithin(List<Action> actions, int burst, long refillMillis, String what) {
        for (int i = 0; i < actions.size(); i++) {
            for (int j = i; j < actions.size(); j++) {
                long window = actions.get(j).issuedAtMillis() - actions.get(i).issuedAtMillis();
                long allowed = burst + window / refillMillis;
                assertTrue(j - i + 1 <= allowed, what + ": " + (j - i + 1) + " actions in " + window + " ms; allowed " + allowed);
            }
        }
    }

    @Test
    void pauseStopsEverythingAtOnceAndSaysSo() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 6, 4, 3), List.of("blue"), 50);
        ControlPlane cp = new ControlPlane(f, new Random(3));
        for (int i = 0; i < 10; i++) {
            cp.place(PlacementRequest.of("c" + i, List.of(HERE)));
        }
        Node victim = f.cell("c0").orElseThrow().members().get(0);
        cp.setNodeHealth(victim.name(), false);
        cp.pause("rollback investigation", 5_000);
        assertTrue(cp.paused());
        for (long now = 5_000; now < 600_000; now += 1_000) {
            assertEquals(List.of(), cp.tick(now));
        }
        EngineStatus s = cp.status();
        assertTrue(s.paused());
        assertEquals("rollback investigation", s.pauseReason());
        assertEquals(5_000, s.pausedAtMillis());
        assertTrue(s.cellsAwaitingRepair() > 0, "the work is still known, only not done");
        assertTrue(s.render().startsWith("PAUSED since 5000 ms: rollback investigation"), s.render());
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                cp.place(PlacementRequest.of("new", List.of(HERE))));
        assertEquals(List.of("control plane is paused since 5000 ms (rollback investigation); no actions until resumed"),
                r.reasons());
        cp.resume();
        assertFalse(cp.status().paused());
        assertFalse(cp.tick(600_000).isEmpty());
        assertTrue(cp.status().render().startsWith("running"));
    }

    @Test
    void pauseLetsInFlightActionsReport() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 6, 4, 3), List.of("blue"), 50);
        ControlPlane cp = new ControlPlane(f, new Random(3));
        cp.place(PlacementRequest.of("c0", List.of(HERE)));
        Cell c = f.cell("c0").orElseThrow();
        cp.setNodeHealth(c.members().get(0).name(), false);
        cp.setNodeHealth(c.members().get(1).name(), false);
        Action a = cp.tick(0).get(0);
        cp.pause("operator", 1);
        cp.reportCaughtUp(a.id());
        assertEquals(List.of(), cp.tick(10_000), "the second repair waits for resume");
        assertEquals(1, cp.status().caughtUp());
        cp.resume();
        assertEquals(1, cp.tick(10_001).size());
    }
}
