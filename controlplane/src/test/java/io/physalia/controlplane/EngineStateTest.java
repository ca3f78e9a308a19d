package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.topology.Location;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Saving the engine's state and taking it back on a fresh engine over the same fleet. */
class EngineStateTest {
    private static final Location Z1R1 = new Location("z1", "z1r1", "z1r1k1");
    private static final Location Z1R2 = new Location("z1", "z1r2", "z1r2k1");
    private static final RateLimits.Config GENEROUS = new RateLimits.Config(1000, 1, 1000, 1);
    private static final Topology TOPOLOGY = Fleets.regular(1, 2, 6, 4, 3);

    private static ControlPlane engine() {
        return new ControlPlane(Fleets.colored(TOPOLOGY, List.of("blue", "green"), 20), GENEROUS,
                PlacementPolicy.DEFAULT, new Random(7));
    }

    @Test
    void aRestoredEngineKnowsItsCellsActionsPauseAndCounters() {
        ControlPlane before = engine();
        before.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        before.place(PlacementRequest.of("c2", List.of(Z1R1)).withColor("green"));
        before.place(PlacementRequest.of("c3", List.of(Z1R2)));
        String failed = before.fleet().cell("c1").orElseThrow().memberNames().get(0);
        before.setNodeHealth(failed, false);
        List<Action> first = before.tick(0);
        assertEquals(1, first.size());
        before.reportCaughtUp(first.get(0).id());
        before.moveClients("c2", List.of(Z1R2));
        List<Action> moving = before.tick(10);
        assertEquals(1, moving.size(), "c2 starts moving to its clients' row");
        before.pause("checking a restart", 20);

        EngineState saved = before.state();
        ControlPlane after = engine();
        after.restore(saved);

        assertEquals(saved, after.state(), "what was restored is what was saved");
        for (String id : List.of("c1", "c2", "c3")) {
            assertEquals(before.fleet().cell(id).orElseThrow().memberNames(), after.fleet().cell(id).orElseThrow().memberNames());
            assertEquals(List.of(), Rules.violations(after.fleet().cell(id).orElseThrow(), false));
        }
        assertTrue(after.paused());
        assertEquals(moving.get(0), after.inFlight("c2").orElseThrow());
        assertEquals(1, after.fleet().node(moving.get(0).leaving()).orElseThrow().reservedReplicas(),
                "the leaving node's slot stays held until the action is reported");
        EngineStatus st = after.status();
        assertEquals(1, st.repairsIssued());
        assertEquals(1, st.movesIssued());
        assertEquals(1, st.caughtUp());

        // the restored action finishes, and the move goes on after resume
        after.reportCaughtUp(moving.get(0).id());
        assertEquals(0, after.fleet().node(moving.get(0).leaving()).orElseThrow().reservedReplicas());
        assertEquals(List.of(), after.tick(30), "still paused");
        after.resume();
        for (long t = 40; after.status().cellsAwaitingMove() > 0 && t < 1000; t += 10) {
            after.tick(t).forEach(a -> after.reportCaughtUp(a.id()));
        }
        Cell c2 = after.fleet().cell("c2").orElseThrow();
        assertTrue(c2.members().stream().allMatch(n -> n.rowPath().equals("z1/z1r2")), c2.toString());
        assertEquals(List.of(), Rules.violations(c2, true));
        assertTrue(after.state().nextActionId() > saved.nextActionId(), "action ids go on from where they were");
    }

    @Test
    void anUnhealthyMemberAfterRestoreIsRepaired() {
        ControlPlane before = engine();
        before.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        ControlPlane after = engine();
        after.restore(before.state());
        String gone = after.fleet().cell("c1").orElseThrow().memberNames().get(1);
        after.setNodeHealth(gone, false);
        List<Action> a = after.tick(0);
        assertEquals(1, a.size());
        assertEquals(gone, a.get(0).leaving());
        assertEquals(ActionKind.REPAIR, a.get(0).kind());
    }

    @Test
    void aStateThatDoesNotFitIsRefusedWithEveryProblemAndChangesNothing() {
        ControlPlane before = engine();
        before.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        EngineState good = before.state();
        EngineState.CellState c1 = good.cells().get(0);
        String green = before.fleet().nodes().stream().filter(n -> n.color().equals("green")).findFirst().orElseThrow().name();
        List<String> members = new ArrayList<>(c1.members());
        members.set(0, green);
        EngineState bad = new EngineState(false, "", 0, 1,
                List.of(new EngineState.CellState("c1", "blue", 7, c1.clients(), members),
                        new EngineState.CellState("c2", "mauve", 4, List.of(Z1R1), List.of("nowhere")),
                        new EngineState.CellState("c1", "blue", 7, c1.clients(), c1.members())),
                List.of(new Action(5, ActionKind.REPAIR, "c9", "blue", "a", "b", 0)),
                EngineState.Counters.ZERO);
        ControlPlane after = engine();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> after.restore(bad));
        String m = e.getMessage();
        assertTrue(m.contains("member " + green + " is green, the cell is blue"), m);
        assertTrue(m.contains("cell 'c2': cell size must be odd"), m);
        assertTrue(m.contains("color mauve is not a color of this fleet"), m);
        assertTrue(m.contains("member nowhere is not a node of this fleet"), m);
        assertTrue(m.contains("cell 'c1': listed twice"), m);
        assertTrue(m.contains("in-flight action #5: id must be from 1 to nextActionId - 1"), m);
        assertTrue(m.contains("its cell 'c9' is not among the cells"), m);
        assertTrue(after.fleet().cells().isEmpty(), "nothing was taken");
        after.restore(good);
        assertThrows(IllegalStateException.class, () -> after.restore(good), "only onto an empty engine");
    }

    @Test
    void anInFlightActionMustHaveJoinedAndLeftInTheModel() {
        ControlPlane before = engine();
        before.place(PlacementRequest.of("c1", List.of(Z1R1)).withColor("blue"));
        EngineState s = before.state();
        List<String> m = s.cells().get(0).members();
        EngineState bad = new EngineState(false, "", 0, 3, s.cells(),
                List.of(new Action(1, ActionKind.REPAIR, "c1", "blue", m.get(0), "nowhere", 0),
                        new Action(2, ActionKind.MOVE_CLOSER, "c1", "green", m.get(1), m.get(2), 0)),
                EngineState.Counters.ZERO);
        String msg = assertThrows(IllegalArgumentException.class, () -> engine().restore(bad)).getMessage();
        assertTrue(msg.contains("joining node nowhere is not among cell 'c1''s members"), msg);
        assertTrue(msg.contains("leaving node " + m.get(0) + " is still among"), msg);
        assertTrue(msg.contains("cell 'c1' has another action in flight"), msg);
        assertTrue(msg.contains("color green is not its cell's color blue"), msg);
    }
}
