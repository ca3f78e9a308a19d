package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.leaders;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.SimClient;
import org.junit.jupiter.api.Test;

/**
 * A follower that was cut off while the cell's last writes were chosen must catch up when its
 * link comes back, even if the cell stays idle: an idle cell sends nothing on its own, so a
 * follower that missed the outcomes would otherwise stay behind until the next write (and a
 * later failure of another member would then leave the cell without a caught-up quorum).
 */
class IdleFollowerScenariosTest {

    @Test
    void aFollowerThatMissedTheLastWritesCatchesUpWhenItsLinkReturnsWithNoFurtherTraffic() {
        CellWorld w = new CellWorld(2301, 3);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        String leader = leaders(w).get(0);
        String follower = w.cellNodes().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        w.partition("cut", follower);
        for (int i = 2; i <= 5; i++) {
            ok(w, c, new ClientOp.Put("k", i));
        }
        long chosen = w.node(leader).replica(CellWorld.CELL).appliedUpTo();
        assertTrue(w.node(follower).replica(CellWorld.CELL).appliedUpTo() < chosen, "the follower missed the writes");
        w.runFor(2_000); // the cell goes idle: nothing in flight, no client waiting
        w.heal("cut");
        assertTrue(w.runUntil(() -> w.node(follower).replica(CellWorld.CELL).appliedUpTo() >= chosen, 5_000),
                w.failurePrefix() + follower + " stayed at slot " + w.node(follower).replica(CellWorld.CELL).appliedUpTo()
                        + " while the cell had chosen up to " + chosen);
        assertEquals(chosen, w.node(follower).replica(CellWorld.CELL).appliedUpTo());
    }
}
