package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random fleets, clients, failures, client moves and action reports. After every step
 * every cell keeps the rules; every placement sits in the nearest row that can take it (checked
 * by an independent brute-force search); every refusal is true in every row it covers.
 */
class PlacementPropertyTest {
    private static final int SEEDS = Integer.getInteger("controlplane.seeds", 300);

    @Test
    void rulesHoldOrTheRefusalExplainsItself() {
        int placed = 0;
        int refused = 0;
        int actions = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            try {
                int[] counts = run(seed, new ArrayList<>());
                placed += counts[0];
                refused += counts[1];
                actions += counts[2];
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + " (replay: -Dcontrolplane.seeds=" + (seed + 1) + "): "
                        + e.getMessage(), e);
            }
        }
        assertTrue(placed > SEEDS * 10, "placed " + placed);
        assertTrue(refused > 0, "refused " + refused);
        assertTrue(actions > SEEDS, "actions " + actions);
    }

    private static int[] run(long seed, List<String> trace) {
        Random rnd = new Random(seed);
        Fleet f = Fleets.random(rnd);
        PlacementPolicy policy = PlacementPolicy.values()[rnd.nextInt(PlacementPolicy.values().length)];
        ControlPlane cp = new ControlPlane(f, new RateLimits.Config(3, 1_000, 2, 2_000), policy, new Random(seed));
        List<Action> inFlight = new ArrayList<>();
        int placed = 0;
        int refused = 0;
        int actions = 0;
        long now = 0;
        for (int step = 0; step < 150; step++) {
            int op = rnd.nextInt(10);
            if (op < 4) {
                int size = List.of(3, 5, 7).get(rnd.nextInt(3));
                PlacementRequest req = new PlacementRequest("c" + step, Fleets.randomClients(f, rnd),
                        rnd.nextInt(4) == 0 ? Optional.of(List.copyOf(f.colors()).get(rnd.nextInt(f.colors().size())))
                                : Optional.empty(), size);
                PlacementResult r = cp.place(req);
                if (r instanceof PlacementResult.Placed p) {
                    placed++;
                    checkPlaced(f, req, p);
                } else {
                    refused++;
                    checkRefused(f, req, (PlacementResult.Refused) r);
                }
            } else if (op < 6) {
                Node n = f.nodes().get(rnd.nextInt(f.nodes().size()));
                cp.setNodeHealth(n.name(), rnd.nextInt(3) != 0 ? !n.healthy() : n.healthy());
            } else if (op < 7 && !f.cells().isEmpty()) {
                List<Cell> cells = List.copyOf(f.cells());
                cp.moveClients(cells.get(rnd.nextInt(cells.size())).id(), Fleets.randomClients(f, rnd));
            } else {
                now += rnd.nextInt(3_000);
                for (Action a : cp.tick(now)) {
                    actions++;
                    assertNotEquals(a.leaving(), a.joining());
                    Node joining = f.node(a.joining()).orElseThrow();
                    assertTrue(joining.healthy(), a.toString());
                    assertEquals(a.color(), joining.color(), a.toString());
                    inFlight.add(a);
                }
                for (int i = inFlight.size() - 1; i >= 0; i--) {
                    int roll = rnd.nextInt(4);
                    if (roll == 0) {
                        cp.reportCaughtUp(inFlight.remove(i).id());
                    } else if (roll == 1 && rnd.nextInt(5) == 0) {
                        cp.reportAborted(inFlight.remove(i).id());
                    }
                }
            }
            for (Cell c : f.cells()) {
                List<String> v = Rules.violations(c, false);
                if (!v.isEmpty()) {
                    fail("after step " + step + ": " + v);
                }
            }
            Map<String, Integer> perCell = new HashMap<>();
            for (Action a : cp.status().inFlight()) {
                assertEquals(1, perCell.merge(a.cellId(), 1, Integer::sum));
            }
            assertEquals(inFlight.size(), cp.status().inFlight().size());
            for (Fleet.Row row : f.rows()) {
                for (String color : f.colors()) {
                    long free = row.nodes(color).stream().filter(Node::healthy).mapToLong(Node::freeReplicas).sum();
                    assertEquals(free, row.freeReplicas(color), "running free count of " + row.path() + " " + color);
                }
            }
            trace.add(step + " " + f.cells().stream().map(Cell::toString).toList() + " " + cp.status().inFlight());
            if (step % 50 == 49) {
                checkRestores(f, cp, policy);
            }
        }
        assertSharedCountsMatchARecount(f);
        return new int[] {placed, refused, actions};
    }

    /** The engine's saved state, taken back over an equal fleet, is the same state with the same counts. */
    private static void checkRestores(Fleet f, ControlPlane cp, PlacementPolicy policy) {
        Fleet copy = new Fleet();
        for (Node n : f.nodes()) {
            copy.addNode(n.topology(), n.color(), n.capacityReplicas());
        }
        ControlPlane restored = new ControlPlane(copy, new RateLimits.Config(3, 1_000, 2, 2_000), policy,
                new Random(0));
        EngineState saved = cp.state();
        restored.restore(saved);
        assertEquals(saved, restored.state());
        for (Node n : f.nodes()) {
            Node m = copy.node(n.name()).orElseThrow();
            assertEquals(n.hostedReplicas(), m.hostedReplicas(), n.name());
            assertEquals(n.reservedReplicas(), m.reservedReplicas(), n.name());
            for (Node o : f.nodes()) {
                assertEquals(n.sharedCells(o), m.sharedCells(copy.node(o.name()).orElseThrow()), n.name() + " and " + o.name());
            }
        }
    }

    /** The running per-pair counts of shared cells (placement's overlap term) agree with a recount. */
    static void assertSharedCountsMatchARecount(Fleet f) {
        int n = f.nodes().size();
        int[] recount = new int[n * n];
        for (Cell c : f.cells()) {
            for (Node a : c.members()) {
                for (Node b : c.members()) {
                    if (a != b) {
                        recount[a.index() * n + b.index()]++;
                    }
                }
            }
        }
        for (Node a : f.nodes()) {
            for (Node b : f.nodes()) {
                if (a != b && recount[a.index() * n + b.index()] != a.sharedCells(b)) {
                    fail("cells shared by " + a + " and " + b + ": counted " + a.sharedCells(b) + ", recounted "
                            + recount[a.index() * n + b.index()]);
                }
            }
        }
    }

    @Test
    void sameSeedSameRun() {
        for (long seed = 0; seed < 20; seed++) {
            List<String> a = new ArrayList<>();
            List<String> b = new ArrayList<>();
            run(seed, a);
            run(seed, b);
            assertEquals(a, b, "seed " + seed);
        }
    }

    private static void checkPlaced(Fleet f, PlacementRequest req, PlacementResult.Placed p) {
        Cell c = f.cell(p.cellId()).orElseThrow();
        assertEquals(List.of(), Rules.violations(c, true));
        assertTrue(c.members().stream().allMatch(n -> n.rowPath().equals(p.row())));
        req.color().ifPresent(color -> assertEquals(color, p.color()));
        Fleet.Row row = f.rows().stream().filter(r -> r.path().equals(p.row())).findFirst().orElseThrow();
        int d = row.distanceTo(req.clients());
        for (Fleet.Row nearer : f.rows()) {
            if (nearer.distanceTo(req.clients()) < d) {
                for (String color : req.color().map(List::of).orElse(List.copyOf(f.colors()))) {
                    assertFalse(feasible(nearer, color, req.size(), c),
                            "row " + nearer.path() + " is nearer than " + p.row() + " and could take the cell in " + color);
                }
            }
        }
    }

    private static void checkRefused(Fleet f, PlacementRequest req, PlacementResult.Refused r) {
        assertFalse(r.reasons().isEmpty());
        for (String reason : r.reasons()) {
            assertTrue(reason.startsWith("row ") || reason.startsWith("no node in the fleet has color"), reason);
        }
        for (Fleet.Row row : f.rows()) {
            for (String color : req.color().map(List::of).orElse(List.copyOf(f.colors()))) {
                assertFalse(feasible(row, color, req.size(), null), "refused, but row " + row.path() + " could take "
                        + req.size() + " " + color + " members: " + r.reasons());
                if (!row.nodes(color).isEmpty() || req.color().isPresent()) {
                    assertTrue(r.reasons().stream().anyMatch(s -> s.startsWith("row " + row.path() + ": ")
                            && s.contains(color)), "no reason given for row " + row.path() + " and " + color);
                }
            }
        }
    }

    /** Brute force: is there any set of healthy, under-full nodes in the row with no rack or power majority and 3 racks? */
    static boolean feasible(Fleet.Row row, String color, int size, Cell placedNow) {
        List<Node> free = new ArrayList<>();
        for (Node n : row.nodes(color)) {
            boolean hostsPlaced = placedNow != null && placedNow.members().contains(n);
            if (n.healthy() && (n.freeReplicas() > 0 || (hostsPlaced && n.freeReplicas() == 0))) {
                free.add(n);
            }
        }
        int max = Rules.maxPerDomain(size);
        Map<String, Integer> racks = new HashMap<>();
        Map<String, Integer> powers = new HashMap<>();
        free.forEach(n -> {
            racks.merge(n.rack(), 1, Integer::sum);
            powers.merge(n.power(), 1, Integer::sum);
        });
        // Necessary conditions first (plain counting), so the search below mostly runs when an answer exists.
        if (racks.values().stream().mapToInt(c -> Math.min(c, max)).sum() < size
                || powers.values().stream().mapToInt(c -> Math.min(c, max)).sum() < size) {
            return false;
        }
        return search(free, 0, size, new HashMap<>(), new HashMap<>(), max);
    }

    private static boolean search(List<Node> free, int from, int left, Map<String, Integer> racks,
            Map<String, Integer> powers, int max) {
        if (left == 0) {
            return racks.size() >= Rules.MIN_RACKS;
        }
        for (int i = from; i <= free.size() - left; i++) {
            Node n = free.get(i);
            if (racks.getOrDefault(n.rack(), 0) >= max || powers.getOrDefault(n.power(), 0) >= max) {
                continue;
            }
            racks.merge(n.rack(), 1, Integer::sum);
            powers.merge(n.power(), 1, Integer::sum);
            boolean ok = search(free, i + 1, left - 1, racks, powers, max);
            racks.computeIfPresent(n.rack(), (k, v) -> v == 1 ? null : v - 1);
            powers.computeIfPresent(n.power(), (k, v) -> v == 1 ? null : v - 1);
            if (ok) {
                return true;
            }
        }
        return false;
    }

    @Test
    void bruteForceAgreesOnASmallCase() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 3, 1, 3), List.of("blue"), 5);
        Fleet.Row row = f.rows().iterator().next();
        assertTrue(feasible(row, "blue", 3, null));
        assertFalse(feasible(row, "blue", 5, null));
        assertEquals(List.of(new Location("z1", "z1r1", "z1r1k1")).size(), 1);
    }
}
