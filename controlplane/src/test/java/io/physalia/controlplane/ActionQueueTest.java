package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionQueueTest {
    private static final Node LEAVING = new Node(0, new NodeTopology("n1", "z1", "r1", "k1", "p1"), "blue", 10, 0, 0);
    private static final Node JOINING = new Node(1, new NodeTopology("n2", "z1", "r1", "k2", "p2"), "blue", 10, 1, 1);

    @Test
    void onlyTheLastFinishedActionsKeepTheirStateButAllAreCounted() {
        ActionQueue q = new ActionQueue();
        Cell cell = new Cell("c1", "blue", 3, List.of(new Location("z1", "r1", "k1")));
        int total = ActionQueue.FINISHED_KEPT + 10;
        long first = -1;
        long last = -1;
        for (int i = 0; i < total; i++) {
            Action a = q.issue(ActionKind.REPAIR, cell, LEAVING, JOINING, i);
            q.finish(a.id(), i % 2 == 0 ? ActionState.CAUGHT_UP : ActionState.ABORTED);
            first = first < 0 ? a.id() : first;
            last = a.id();
        }
        assertEquals(Optional.empty(), q.state(first), "the oldest finished action is forgotten");
        assertEquals(Optional.of(ActionState.ABORTED), q.state(last), "the newest is kept");
        assertEquals(Optional.of(ActionState.CAUGHT_UP), q.state(last - ActionQueue.FINISHED_KEPT + 1), "the oldest kept");
        assertEquals(Optional.empty(), q.state(last - ActionQueue.FINISHED_KEPT));
        assertEquals(total / 2, q.caughtUp());
        assertEquals(total / 2, q.aborted());
        assertEquals(total, q.issued(ActionKind.REPAIR));

        long forgotten = first;
        String why = assertThrows(IllegalArgumentException.class, () -> q.finish(forgotten, ActionState.CAUGHT_UP)).getMessage();
        assertTrue(why.contains("no longer kept"), why);
        long kept = last;
        why = assertThrows(IllegalArgumentException.class, () -> q.finish(kept, ActionState.CAUGHT_UP)).getMessage();
        assertTrue(why.contains("already ABORTED"), why);
        why = assertThrows(IllegalArgumentException.class, () -> q.finish(kept + 100, ActionState.CAUGHT_UP)).getMessage();
        assertTrue(why.contains("never issued"), why);
    }
}
