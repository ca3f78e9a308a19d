package io.physalia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.ColorPlan;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.RateLimits;
import io.physalia.controlplane.Rules;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The local colony's made-up datacenter: what the defaults promise in docs/controlplane.md. */
class SyntheticTopologyTest {
    private static final RateLimits.Config NO_LIMITS = new RateLimits.Config(1000, 1, 1000, 1);

    private static List<String> names(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "n" + i).toList();
    }

    @Test
    void theDefaultColonyPutsSevenNodesOfEachColorInEveryRowOnSevenRacks() {
        Topology t = SyntheticTopology.of(names(28), 2);
        assertEquals(List.of("z1/r1", "z1/r2"), t.rows());
        assertEquals(new NodeTopology("n1", "z1", "r1", "r1-k1", "r1-p1"), t.node("n1").orElseThrow());
        assertEquals(new NodeTopology("n8", "z1", "r1", "r1-k1", "r1-p2"), t.node("n8").orElseThrow(), "power crosses racks");
        assertEquals(new NodeTopology("n15", "z1", "r2", "r2-k1", "r2-p1"), t.node("n15").orElseThrow());
        assertEverySeatSpread(t, 7, 4); // no power domain can hold a majority of a cell of 7
    }

    @Test
    void twelveNodesPutThreeOfEachColorInEveryRow() {
        Topology t = SyntheticTopology.of(names(12), 2);
        assertEquals(new NodeTopology("n4", "z1", "r1", "r1-k1", "r1-p2"), t.node("n4").orElseThrow(), "power crosses racks");
        assertEverySeatSpread(t, 3, 3);
    }

    /** Every row holds {@code perColor} nodes of every color, on as many racks and power domains. */
    private static void assertEverySeatSpread(Topology t, int perColor, int powersAtLeast) {
        SortedMap<String, String> colors = ColorPlan.assign(t, List.of("blue", "green"));
        for (String row : List.of("r1", "r2")) {
            for (String color : List.of("blue", "green")) {
                Set<String> nodes = new HashSet<>();
                Set<String> racks = new HashSet<>();
                Set<String> powers = new HashSet<>();
                for (NodeTopology n : t.nodes()) {
                    if (n.row().equals(row) && colors.get(n.node()).equals(color)) {
                        nodes.add(n.node());
                        racks.add(n.rack());
                        powers.add(n.power());
                    }
                }
                assertEquals(perColor, nodes.size(), row + " " + color);
                assertEquals(perColor, racks.size(), row + " " + color + ": one node of the color per rack");
                assertTrue(powers.size() >= powersAtLeast, row + " " + color + " spans too few power domains: " + powers);
            }
        }
    }

    @ParameterizedTest(name = "{0} nodes, cells of {1}")
    @CsvSource({"28, 7", "12, 3"})
    void aLostMemberIsRepairedInTheNextRowAndComesHomeWhenItsNodeReturns(int nodes, int size) {
        for (String color : List.of("blue", "green")) {
            for (String rack : List.of("r1-k1", "r2-k3")) {
                Topology t = SyntheticTopology.of(names(nodes), 2);
                Fleet fleet = Fleet.of(t, ColorPlan.assign(t, List.of("blue", "green")), 100);
                ControlPlane cp = new ControlPlane(fleet, NO_LIMITS, PlacementPolicy.DEFAULT, new SplittableRandom(1));
                NodeTopology client = t.nodes().stream().filter(n -> n.rack().equals(rack)).findFirst().orElseThrow();
                PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class,
                        cp.place(PlacementRequest.of("c", List.of(client.location())).withSize(size).withColor(color)));
                assertEquals("z1/" + client.row(), p.row());
                for (String victim : p.members()) {
                    Fleet f2 = Fleet.of(t, ColorPlan.assign(t, List.of("blue", "green")), 100);
                    ControlPlane e = new ControlPlane(f2, NO_LIMITS, PlacementPolicy.DEFAULT, new SplittableRandom(1));
                    e.place(PlacementRequest.of("c", List.of(client.location())).withSize(size).withColor(color));
                    e.setNodeHealth(victim, false);
                    List<Action> a = e.tick(0);
                    assertEquals(1, a.size(), "a repair for the loss of " + victim);
                    e.reportCaughtUp(a.get(0).id());
                    assertEquals(List.of(), Rules.violations(f2.cell("c").orElseThrow(), false));
                    assertEquals(List.of(), e.tick(1), "nowhere nearer to go while " + victim + " is down");
                    e.setNodeHealth(victim, true);
                    List<Action> home = e.tick(2);
                    assertEquals(1, home.size(), "move-closer once " + victim + " is back");
                    assertEquals(victim, home.get(0).joining());
                    e.reportCaughtUp(home.get(0).id());
                    assertEquals(List.of(), Rules.violations(f2.cell("c").orElseThrow(), true));
                }
            }
        }
    }

    @Test
    void sixteenNodesGiveEveryColorASpareInEveryRow() {
        Topology t = SyntheticTopology.of(names(16), 2);
        for (String color : List.of("blue", "green")) {
            Fleet f = Fleet.of(t, ColorPlan.assign(t, List.of("blue", "green")), 100);
            ControlPlane cp = new ControlPlane(f, NO_LIMITS, PlacementPolicy.DEFAULT, new SplittableRandom(1));
            NodeTopology client = t.node("n1").orElseThrow();
            PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class,
                    cp.place(PlacementRequest.of("c", List.of(client.location())).withSize(3).withColor(color)));
            cp.setNodeHealth(p.members().get(0), false);
            Action a = cp.tick(0).get(0);
            assertEquals("z1/r1", f.node(a.joining()).orElseThrow().rowPath(), "repaired within the row");
        }
    }

    @Test
    void unevenCountsFillTheFirstRowsFirstAndBadRowCountsAreRefused() {
        Topology t = SyntheticTopology.of(names(13), 2);
        List<String> r1 = new ArrayList<>();
        t.nodes().forEach(n -> {
            if (n.row().equals("r1")) {
                r1.add(n.node());
            }
        });
        assertEquals(7, r1.size());
        assertThrows(IllegalArgumentException.class, () -> SyntheticTopology.of(names(3), 4));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTopology.of(names(3), 0));
        assertTrue(SyntheticTopology.of(names(9), 1).rows().equals(List.of("z1/r1")));
    }

    @Test
    void aShapeThatCannotSeatTheCellSizeIsRefusedUpFront() {
        assertEquals(null, ColonyControl.seatingProblem(28, 2, 2, 7), "the default seats cells of 7");
        assertEquals(null, ColonyControl.seatingProblem(12, 2, 2, 3));
        assertEquals("--size 7 needs 7 nodes of one color in one row, but --nodes 12 --rows 2 --colors 2 gives at most 3: "
                + "use --size 3 or --nodes 28", ColonyControl.seatingProblem(12, 2, 2, 7));
        assertEquals("--size 3 needs 3 nodes of one color in one row, but --nodes 4 --rows 2 --colors 2 gives at most 1: "
                + "use --nodes 12", ColonyControl.seatingProblem(4, 2, 2, 3));
    }
}
