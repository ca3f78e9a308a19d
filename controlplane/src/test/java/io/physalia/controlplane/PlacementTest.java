package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PlacementTest {
    private static final Location Z1R1 = new Location("z1", "z1r1", "z1r1k1");

    /** The engine as it comes: default rate limits and the default policy. */
    private static ControlPlane engine(Fleet f) {
        return new ControlPlane(f, new Random(1));
    }

    /** The engine with {@link PlacementPolicy#LEAST_OVERLAP}, for what that policy alone promises. */
    private static ControlPlane leastOverlap(Fleet f) {
        return new ControlPlane(f, RateLimits.Config.defaults(), PlacementPolicy.LEAST_OVERLAP, new Random(1));
    }

    /**
     * Places cell c1 of 7 for clients on racks z1r1k1 and z1r1k4 of a two-color fleet and checks
     * what every policy promises (the clients' row, 7 members, no rule broken).
     */
    private static Cell placeSevenForClientsOnTwoRacks(Function<Fleet, ControlPlane> engine) {
        Fleet f = Fleets.colored(Fleets.regular(2, 2, 6, 4, 3), List.of("blue", "green"), 100);
        PlacementResult r = engine.apply(f).place(PlacementRequest.of("c1", List.of(Z1R1, new Location("z1", "z1r1", "z1r1k4"))));
        PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class, r);
        assertEquals("z1/z1r1", p.row());
        assertEquals(7, p.members().size());
        Cell c = f.cell("c1").orElseThrow();
        assertEquals(List.of(), Rules.violations(c, true));
        return c;
    }

    /** Places cells c0..c199, each for one client on rack z1r1k1, and says how they overlap. */
    private static OverlapStats placeTwoHundredForOneRack(Fleet f, ControlPlane cp) {
        for (int i = 0; i < 200; i++) {
            assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c" + i, List.of(Z1R1))));
        }
        return OverlapStats.of(f);
    }

    /** How many of the cell's members each rack holds. */
    private static Map<String, Integer> membersByRack(Cell c) {
        Map<String, Integer> byRack = new HashMap<>();
        c.members().forEach(n -> byRack.merge(n.rack(), 1, Integer::sum));
        return byRack;
    }

    @Test
    void theDefaultPolicyIsNearClients() {
        assertEquals(PlacementPolicy.NEAR_CLIENTS, PlacementPolicy.DEFAULT);
    }

    @Test
    void placesSevenInTheClientsRowAcrossRacksAndPower() {
        Cell c = placeSevenForClientsOnTwoRacks(PlacementTest::leastOverlap);
        Set<String> racks = new HashSet<>();
        c.members().forEach(n -> racks.add(n.rack()));
        assertEquals(6, racks.size(), "spreads over every rack of the row that has the color");
    }

    @Test
    void theDefaultPlacesSevenInTheClientsRowFillingTheClientsRacksFirst() {
        Map<String, Integer> byRack = membersByRack(placeSevenForClientsOnTwoRacks(PlacementTest::engine));
        // Each rack has 2 nodes of the cell's color: both client racks are filled, the other 3 members spread.
        assertEquals(2, byRack.get("z1r1k1"), byRack.toString());
        assertEquals(2, byRack.get("z1r1k4"), byRack.toString());
        assertEquals(5, byRack.size(), byRack.toString());
    }

    @Test
    void goesToTheNearestRowWithRoom() {
        Fleet f = Fleets.colored(Fleets.regular(2, 2, 4, 4, 3), List.of("blue"), 100);
        ControlPlane cp = engine(f);
        f.nodes().stream().filter(n -> n.rowPath().equals("z1/z1r1")).forEach(n -> cp.setNodeHealth(n.name(), false));
        PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class,
                cp.place(PlacementRequest.of("c1", List.of(Z1R1))));
        assertEquals("z1/z1r2", p.row(), "same zone before another zone");
    }

    @Test
    void refusalNamesTooFewRacks() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 2, 8, 4), List.of("blue"), 100);
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                engine(f).place(PlacementRequest.of("c1", List.of(Z1R1))));
        assertEquals(List.of("row z1/z1r1: only 2 racks with free capacity for color blue [z1r1k1, z1r1k2]; need 3"),
                r.reasons());
        assertTrue(r.summary().startsWith("cannot place cell c1: row z1/z1r1: only 2 racks"), r.summary());
    }

    @Test
    void refusalNamesTooFewNodes() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 3, 2, 3), List.of("blue"), 100);
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                engine(f).place(PlacementRequest.of("c1", List.of(Z1R1))));
        assertEquals(List.of("row z1/z1r1: only 6 of 6 nodes of color blue are healthy and under-full; need 7"), r.reasons());
    }

    @Test
    void refusalNamesRackMajority() {
        // Racks of 5, 1 and 1 nodes: at most 3 + 1 + 1 members without a rack majority.
        Fleet f = new Fleet();
        for (int i = 0; i < 5; i++) {
            f.addNode(new NodeTopology("a" + i, "z1", "r1", "ka", "p" + i), "blue", 10);
        }
        f.addNode(new NodeTopology("b0", "z1", "r1", "kb", "p5"), "blue", 10);
        f.addNode(new NodeTopology("c0", "z1", "r1", "kc", "p6"), "blue", 10);
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                engine(f).place(PlacementRequest.of("c1", List.of(new Location("z1", "r1", "ka")))));
        assertEquals(List.of("row z1/r1: racks with free capacity for color blue {ka=5, kb=1, kc=1} can take only 5"
                + " members without one holding a majority (more than 3 of 7); need 7"), r.reasons());
    }

    @Test
    void refusalNamesPowerMajority() {
        Fleet f = new Fleet();
        for (int k = 0; k < 7; k++) {
            f.addNode(new NodeTopology("n" + k, "z1", "r1", "k" + k, k < 5 ? "pa" : "pb"), "blue", 10);
        }
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                engine(f).place(PlacementRequest.of("c1", List.of(new Location("z1", "r1", "k0")))));
        assertEquals(List.of("row z1/r1: power domains with free capacity for color blue {pa=5, pb=2} can take only 5"
                + " members without one holding a majority (more than 3 of 7); need 7"), r.reasons());
    }

    @Test
    void refusalListsEveryRowNearestFirst() {
        Fleet f = Fleets.colored(Fleets.regular(1, 2, 2, 8, 2), List.of("blue"), 100);
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                engine(f).place(PlacementRequest.of("c1", List.of(new Location("z1", "z1r2", "x")))));
        assertEquals(2, r.reasons().size());
        assertTrue(r.reasons().get(0).startsWith("row z1/z1r2:"));
        assertTrue(r.reasons().get(1).startsWith("row z1/z1r1:"));
        assertTrue(r.summary().endsWith("(and 1 more row/color refusals)"), r.summary());
    }

    @Test
    void fullNodesAreNotUsed() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 7, 1, 7), List.of("blue"), 1);
        ControlPlane cp = engine(f);
        assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c1", List.of(Z1R1))));
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                cp.place(PlacementRequest.of("c2", List.of(Z1R1))));
        assertEquals(List.of("row z1/z1r1: only 0 of 7 nodes of color blue are healthy and under-full; need 7"), r.reasons());
    }

    @Test
    void unknownColorAndBadSizeAndDuplicateCell() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 7, 1, 7), List.of("blue"), 10);
        ControlPlane cp = engine(f);
        PlacementResult.Refused r = assertInstanceOf(PlacementResult.Refused.class,
                cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("mauve")));
        assertEquals(List.of("no node in the fleet has color mauve"), r.reasons());
        assertThrows(IllegalArgumentException.class, () -> PlacementRequest.of("c1", List.of()).withSize(6));
        assertThrows(IllegalArgumentException.class, () -> PlacementRequest.of("c1", List.of()).withSize(1));
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)));
        assertThrows(IllegalArgumentException.class, () -> cp.place(PlacementRequest.of("c1", List.of(Z1R1))));
    }

    @Test
    void colorWithMostRoomNearTheClientsIsChosen() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 6, 4, 3), List.of("blue", "green"), 10);
        ControlPlane cp = engine(f);
        assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c0", List.of(Z1R1)).withColor("blue")));
        PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c1", List.of(Z1R1))));
        assertEquals("green", p.color(), "green has more free slots in the row now");
    }

    @Test
    void otherColorWhenOneColorHasNoRoomInTheRow() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 6, 4, 3), List.of("blue", "green"), 10);
        ControlPlane cp = engine(f);
        f.nodes().stream().filter(n -> n.color().equals("green") && n.rack().endsWith("k1"))
                .forEach(n -> cp.setNodeHealth(n.name(), false));
        f.nodes().stream().filter(n -> n.color().equals("green") && !n.rack().endsWith("k2") && !n.rack().endsWith("k1"))
                .forEach(n -> cp.setNodeHealth(n.name(), false));
        PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c1", List.of(Z1R1))));
        assertEquals("blue", p.color());
    }

    @Test
    void seatFlowFindsWhatGreedyCanMiss() {
        // k1 has nodes in p1 and p2, k2 only in p1, k3 in p2 and p3: one member per rack and power domain
        // works only as k1/p2, k2/p1, k3/p3. A greedy pass starting at k1/p1 gets stuck.
        Fleet f = new Fleet();
        Node a = f.addNode(new NodeTopology("a", "z", "r", "k1", "p1"), "blue", 5);
        Node b = f.addNode(new NodeTopology("b", "z", "r", "k1", "p2"), "blue", 5);
        Node c = f.addNode(new NodeTopology("c", "z", "r", "k2", "p1"), "blue", 5);
        Node d = f.addNode(new NodeTopology("d", "z", "r", "k3", "p2"), "blue", 5);
        Node e = f.addNode(new NodeTopology("e", "z", "r", "k3", "p3"), "blue", 5);
        List<Node> seated = SeatFlow.seat(List.of(a, b, c, d, e), 3, 1, new int[5]);
        assertEquals(Set.of(b, c, e), new HashSet<>(seated));
        for (int seed = 0; seed < 50; seed++) {
            Fleet g = new Fleet();
            for (Node n : List.of(a, b, c, d, e)) {
                g.addNode(n.topology(), "blue", 5);
            }
            PlacementResult r = new Placer(g, PlacementPolicy.LEAST_OVERLAP)
                    .place(PlacementRequest.of("x", List.of()).withSize(3), new Random(seed));
            PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class, r, "seed " + seed);
            assertEquals(Set.of("b", "c", "e"), new HashSet<>(p.members()));
        }
    }

    @Test
    void leastOverlapGivesNodesDifferentMixes() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 7, 4, 7), List.of("blue"), 1000);
        OverlapStats s = placeTwoHundredForOneRack(f, leastOverlap(f));
        assertEquals(0, s.identicalMemberSets(), s.toString());
        Map<String, Integer> load = new HashMap<>();
        f.nodes().forEach(n -> load.put(n.name(), n.hostedReplicas()));
        assertTrue(s.maxReplicasPerNode() - s.minReplicasPerNode() <= 2, s.toString());
        // 200 cells x 21 pairs over 378 node pairs: about 11 per pair if spread evenly.
        assertTrue(s.maxShared() <= 20, s.toString());

        // The default (NEAR_CLIENTS) pays for nearness in overlap: every cell's clients are in one
        // rack, so every cell has 3 members there. It still never repeats a member set.
        Fleet g = Fleets.colored(Fleets.regular(1, 1, 7, 4, 7), List.of("blue"), 1000);
        OverlapStats n = placeTwoHundredForOneRack(g, engine(g));
        assertEquals(0, n.identicalMemberSets(), n.toString());
        assertTrue(n.maxShared() > s.maxShared(), n + " against " + s);
        g.cells().forEach(c -> assertEquals(3, c.members().stream().filter(m -> m.rack().equals("z1r1k1")).count()));
    }

    @Test
    void nearClientsFillsTheClientsRacksUpToTheCapAndRepairStaysThere() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 6, 4, 3), List.of("blue"), 100);
        ControlPlane cp = new ControlPlane(f, new RateLimits.Config(100, 1, 100, 1), PlacementPolicy.NEAR_CLIENTS, new Random(1));
        Location k4 = new Location("z1", "z1r1", "z1r1k4");
        assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c1", List.of(Z1R1, k4))));
        Cell c = f.cell("c1").orElseThrow();
        assertEquals(List.of(), Rules.violations(c, true));
        Map<String, Integer> byRack = membersByRack(c);
        assertEquals(3, byRack.get("z1r1k1"), byRack.toString());
        assertEquals(3, byRack.get("z1r1k4"), byRack.toString());
        assertEquals(3, byRack.size(), "the seventh member goes to a third rack: " + byRack);
        // A member in a client rack fails: its replacement is the client rack's free node.
        Node failed = c.members().stream().filter(n -> n.rack().equals("z1r1k1")).findFirst().orElseThrow();
        cp.setNodeHealth(failed.name(), false);
        List<Action> a = cp.tick(0);
        assertEquals(1, a.size());
        assertEquals("z1r1k1", f.node(a.get(0).joining()).orElseThrow().rack());
        assertEquals(List.of(), Rules.violations(c, true));
        // LEAST_OVERLAP spreads the same request over every rack instead.
        Fleet g = Fleets.colored(Fleets.regular(1, 1, 6, 4, 3), List.of("blue"), 100);
        leastOverlap(g).place(PlacementRequest.of("c1", List.of(Z1R1, k4)));
        assertEquals(6, g.cell("c1").orElseThrow().members().stream().map(Node::rack).distinct().count());
        // The engine as it comes (the default policy) fills the clients' racks like NEAR_CLIENTS.
        Fleet h = Fleets.colored(Fleets.regular(1, 1, 6, 4, 3), List.of("blue"), 100);
        engine(h).place(PlacementRequest.of("c1", List.of(Z1R1, k4)));
        Map<String, Integer> byRackDefault = membersByRack(h.cell("c1").orElseThrow());
        assertEquals(byRack.size(), byRackDefault.size(), byRackDefault.toString());
        assertEquals(3, byRackDefault.get("z1r1k1"), byRackDefault.toString());
        assertEquals(3, byRackDefault.get("z1r1k4"), byRackDefault.toString());
    }

    @Test
    void sameSeedSamePlacement() {
        for (int seed = 0; seed < 5; seed++) {
            assertEquals(run(seed), run(seed));
        }
    }

    private static List<List<String>> run(long seed) {
        Fleet f = Fleets.colored(Fleets.regular(2, 2, 5, 3, 3), List.of("blue", "green"), 50);
        ControlPlane cp = new ControlPlane(f, new Random(seed));
        Random clients = new Random(seed);
        for (int i = 0; i < 100; i++) {
            cp.place(PlacementRequest.of("c" + i, Fleets.randomClients(f, clients)));
        }
        return f.cells().stream().map(Cell::memberNames).toList();
    }
}
