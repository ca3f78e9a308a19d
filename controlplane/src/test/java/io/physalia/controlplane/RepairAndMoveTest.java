package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.topology.Location;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RepairAndMoveTest {
    private static final Location Z1R1 = new Location("z1", "z1r1", "z1r1k1");
    private static final Location Z1R2 = new Location("z1", "z1r2", "z1r2k1");
    private static final RateLimits.Config GENEROUS = new RateLimits.Config(1000, 1, 1000, 1);

    private static ControlPlane engine(Fleet f) {
        return new ControlPlane(f, GENEROUS, PlacementPolicy.DEFAULT, new Random(7));
    }

    private static Fleet fleet() {
        return Fleets.colored(Fleets.regular(1, 2, 6, 4, 3), List.of("blue", "green"), 20);
    }

    @Test
    void repairReplacesAFailedMemberWithANodeOfTheSameColorInTheRow() {
        Fleet f = fleet();
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        Cell c = f.cell("c1").orElseThrow();
        Node failed = c.members().get(2);
        cp.setNodeHealth(failed.name(), false);
        List<Action> a = cp.tick(0);
        assertEquals(1, a.size());
        assertEquals(ActionKind.REPAIR, a.get(0).kind());
        assertEquals(failed.name(), a.get(0).leaving());
        Node joining = f.node(a.get(0).joining()).orElseThrow();
        assertEquals("blue", joining.color());
        assertEquals("z1/z1r1", joining.rowPath());
        assertFalse(c.members().contains(failed));
        assertEquals(List.of(), Rules.violations(c, true));
        assertEquals(Optional.of(ActionState.IN_FLIGHT), cp.state(a.get(0).id()));
        assertEquals(1, failed.reservedReplicas(), "the leaving node's slot is held until the change is reported");
        cp.reportCaughtUp(a.get(0).id());
        assertEquals(Optional.of(ActionState.CAUGHT_UP), cp.state(a.get(0).id()));
        assertEquals(0, failed.reservedReplicas());
        assertEquals(List.of(), cp.tick(1));
        assertEquals(0, cp.status().cellsAwaitingRepair());
    }

    @Test
    void twoFailedMembersAreRepairedOneAtATime() {
        Fleet f = fleet();
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        Cell c = f.cell("c1").orElseThrow();
        cp.setNodeHealth(c.members().get(0).name(), false);
        cp.setNodeHealth(c.members().get(1).name(), false);
        List<Action> first = cp.tick(0);
        assertEquals(1, first.size());
        assertEquals(List.of(), cp.tick(10), "waits for the first repair to catch up");
        assertEquals(List.of(), cp.tick(20));
        cp.reportCaughtUp(first.get(0).id());
        List<Action> second = cp.tick(30);
        assertEquals(1, second.size());
        assertThrows(IllegalArgumentException.class, () -> cp.reportCaughtUp(first.get(0).id()));
        cp.reportCaughtUp(second.get(0).id());
        assertEquals(0, c.unhealthyMembers());
        assertEquals(List.of(), Rules.violations(c, true));
    }

    @Test
    void abortedActionPutsTheModelBack() {
        Fleet f = fleet();
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        Cell c = f.cell("c1").orElseThrow();
        List<String> before = c.memberNames().stream().sorted().toList();
        cp.setNodeHealth(c.members().get(0).name(), false);
        Action a = cp.tick(0).get(0);
        Node joining = f.node(a.joining()).orElseThrow();
        cp.reportAborted(a.id());
        assertEquals(Optional.of(ActionState.ABORTED), cp.state(a.id()));
        assertEquals(before, c.memberNames().stream().sorted().toList());
        assertEquals(0, joining.hostedReplicas());
        assertEquals(1, cp.tick(1).size(), "tries again");
    }

    @Test
    void repairWaitsWhenAMajorityIsDown() {
        Fleet f = fleet();
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        Cell c = f.cell("c1").orElseThrow();
        for (int i = 0; i < 4; i++) {
            cp.setNodeHealth(c.members().get(i).name(), false);
        }
        assertEquals(List.of(), cp.tick(0));
        assertEquals("repair of cell c1: 4 of 7 members unhealthy; a membership change needs a healthy majority,"
                + " so repair waits", cp.status().blockedCells().get("c1"));
        cp.setNodeHealth(c.members().get(0).name(), true);
        assertEquals(1, cp.tick(1).size());
        assertFalse(cp.status().blockedCells().containsKey("c1"));
    }

    @Test
    void repairRefusalExplainsItself() {
        // One row of exactly 7 blue nodes in 7 racks: a failed member has nowhere to go.
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 7, 1, 7), List.of("blue"), 10);
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)));
        Cell c = f.cell("c1").orElseThrow();
        String down = c.members().get(0).name();
        cp.setNodeHealth(down, false);
        assertEquals(List.of(), cp.tick(0));
        assertEquals("repair of cell c1 (replacing " + down + "): row z1/z1r1: none of 7 blue nodes can take " + down
                + "'s place (6 are other members, 0 unhealthy, 0 full, 0 would give their rack a majority,"
                + " 0 would give their power domain a majority, 0 would leave fewer than 3 racks)",
                cp.status().blockedCells().get("c1"));
    }

    @Test
    void repairGoesToTheNearestOtherRowWhenItsRowIsFull() {
        Fleet f = Fleets.colored(Fleets.regular(1, 2, 7, 1, 7), List.of("blue"), 10);
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)));
        Cell c = f.cell("c1").orElseThrow();
        cp.setNodeHealth(c.members().get(0).name(), false);
        Action a = cp.tick(0).get(0);
        assertEquals("z1/z1r2", f.node(a.joining()).orElseThrow().rowPath());
        assertEquals(List.of(), Rules.violations(c, false));
    }

    @Test
    void moveCloserReplacesTheFarthestMemberOneAtATime() {
        Fleet f = fleet();
        ControlPlane cp = engine(f);
        assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue")));
        Cell c = f.cell("c1").orElseThrow();
        cp.moveClients("c1", List.of(Z1R2));
        long now = 0;
        int moves = 0;
        while (true) {
            List<Action> a = cp.tick(now++);
            if (a.isEmpty()) {
                break;
            }
            assertEquals(1, a.size());
            assertEquals(ActionKind.MOVE_CLOSER, a.get(0).kind());
            assertEquals("z1/z1r1", f.node(a.get(0).leaving()).orElseThrow().rowPath());
            assertEquals("z1/z1r2", f.node(a.get(0).joining()).orElseThrow().rowPath());
            assertEquals(List.of(), Rules.violations(c, false), "rules hold at every step");
            assertEquals(List.of(), cp.tick(now++), "one at a time");
            cp.reportCaughtUp(a.get(0).id());
            moves++;
        }
        assertEquals(7, moves);
        assertEquals(List.of(), Rules.violations(c, true));
        assertTrue(c.members().stream().allMatch(n -> n.rowPath().equals("z1/z1r2")));
    }

    @Test
    void moveCloserWaitsForRepairAndSkipsCellsAlreadyClose() {
        Fleet f = fleet();
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        cp.moveClients("c1", List.of(Z1R1, new Location("z1", "z1r1", "z1r1k5")));
        assertEquals(List.of(), cp.tick(0), "already in the clients' row");
        Cell c = f.cell("c1").orElseThrow();
        cp.setNodeHealth(c.members().get(0).name(), false);
        cp.moveClients("c1", List.of(Z1R2));
        List<Action> a = cp.tick(1);
        assertEquals(1, a.size());
        assertEquals(ActionKind.REPAIR, a.get(0).kind(), "repair comes before moving");
        assertEquals("z1/z1r2", f.node(a.get(0).joining()).orElseThrow().rowPath(), "repair already goes near the clients");
    }

    @Test
    void aCellPlacedFartherOutForLackOfRoomMovesInWhenRoomAppears() {
        Fleet f = Fleets.colored(Fleets.regular(1, 2, 7, 1, 7), List.of("blue"), 10);
        ControlPlane cp = engine(f);
        List<Node> home = f.nodes().stream().filter(n -> n.rowPath().equals("z1/z1r1")).toList();
        cp.setNodeHealth(home.get(0).name(), false);
        PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class, cp.place(PlacementRequest.of("c1", List.of(Z1R1))));
        assertEquals("z1/z1r2", p.row());
        long now = 0;
        for (int i = 0; i < 6; i++) {
            List<Action> a = cp.tick(now++);
            assertEquals(1, a.size(), "member by member, as far as the near row has room: step " + i);
            cp.reportCaughtUp(a.get(0).id());
            assertEquals(List.of(), Rules.violations(f.cell("c1").orElseThrow(), false));
        }
        assertEquals(List.of(), cp.tick(now++), "the seventh has no room nearer yet");
        assertTrue(cp.status().blockedCells().get("c1").startsWith("move-closer of cell c1"), cp.status().blockedCells().toString());
        cp.setNodeHealth(home.get(0).name(), true);
        List<Action> a = cp.tick(now++);
        assertEquals(1, a.size());
        assertEquals(home.get(0).name(), a.get(0).joining());
        cp.reportCaughtUp(a.get(0).id());
        assertEquals(List.of(), cp.tick(now));
        Cell c = f.cell("c1").orElseThrow();
        assertTrue(c.members().stream().allMatch(n -> n.rowPath().equals("z1/z1r1")));
        assertEquals(List.of(), Rules.violations(c, true));
    }

    @Test
    void moveCloserWaitsWhileAMemberIsDownAndResumesWhenItReturns() {
        // z1r1 has exactly 7 nodes: a member that fails there cannot be repaired in place, and
        // z1r2 is full, so the repair is blocked too. When the node returns the move goes on.
        Fleet f = Fleets.colored(Fleets.regular(1, 2, 7, 1, 7), List.of("blue"), 1);
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)));
        cp.place(PlacementRequest.of("c2", List.of(Z1R2)));
        Cell c1 = f.cell("c1").orElseThrow();
        Node down = c1.members().get(0);
        cp.setNodeHealth(down.name(), false);
        cp.moveClients("c1", List.of(Z1R2));
        assertEquals(List.of(), cp.tick(0));
        assertTrue(cp.status().blockedCells().get("c1").contains("c1"), cp.status().blockedCells().toString());
        cp.setNodeHealth(down.name(), true);
        assertEquals(List.of(), cp.tick(1), "z1r2 is full, so the move explains why it cannot go");
        assertTrue(cp.status().blockedCells().get("c1").startsWith("move-closer of cell c1 (replacing"),
                cp.status().blockedCells().get("c1"));
        assertTrue(cp.status().blockedCells().get("c1").contains("7 full"), cp.status().blockedCells().get("c1"));
    }

    @Test
    void unknownNodeOrCell() {
        ControlPlane cp = engine(fleet());
        assertThrows(IllegalArgumentException.class, () -> cp.setNodeHealth("nope", false));
        assertThrows(IllegalArgumentException.class, () -> cp.moveClients("nope", List.of()));
        assertThrows(IllegalArgumentException.class, () -> cp.reportCaughtUp(99));
    }

    @Test
    void aForgottenCellGivesItsMembersTheirSlotsBackAndEndsItsAction() {
        Fleet f = fleet();
        ControlPlane cp = engine(f);
        cp.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        Cell c = f.cell("c1").orElseThrow();
        List<Node> members = List.copyOf(c.members());
        long freeBefore = members.get(0).freeReplicas();
        Node failed = members.get(1);
        cp.setNodeHealth(failed.name(), false);
        Action a = cp.tick(0).get(0);
        assertTrue(cp.forgetCell("c1"));
        assertEquals(Optional.empty(), f.cell("c1"));
        assertEquals(Optional.of(ActionState.ABORTED), cp.state(a.id()));
        assertEquals(Optional.empty(), cp.inFlight("c1"));
        assertEquals(0, failed.reservedReplicas(), "the leaving node's reserved slot is released");
        assertEquals(freeBefore + 1, members.get(0).freeReplicas(), "a member gets its slot back");
        assertTrue(f.node(a.joining()).orElseThrow().cells().isEmpty(), "the joining node holds nothing of it");
        assertFalse(cp.forgetCell("c1"), "forgetting an unknown cell says so");
        assertEquals(List.of(), cp.tick(1), "nothing is issued for a forgotten cell");
    }
}
