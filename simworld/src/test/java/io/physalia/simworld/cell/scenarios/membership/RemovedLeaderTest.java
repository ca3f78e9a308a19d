package io.physalia.simworld.cell.scenarios.membership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Member;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.SimClient;
import org.junit.jupiter.api.Test;

class RemovedLeaderTest {

    /**
     * Regression: a leader removed by a change at slot i proposed slot i+alpha-1 (still in its
     * configuration), then stepped down in the same pump because slot i+alpha is not, dropping
     * the in-flight proposal. Client retries made it campaign and repeat this forever, so the
     * cell never chose slot i+alpha-1 again.
     */
    @Test
    void removedLeaderFinishesItsLastOldConfigSlotsAndHandsOver() {
        Sim s = new Sim(131, 3);
        SimClient c = s.client();
        s.put(c, "a", 1);
        String leader = s.leader();
        assertTrue(s.remove(c, Member.founding(leader)).applied());
        long slot = s.slotOf(s.last);
        for (int i = 0; i < 6; i++) {
            OpOutput o = s.put(c, "a", 10 + i);
            assertNotNull(o, "put " + i + " after removing the leader");
        }
        assertTrue(s.maxApplied() > slot + 3);
        assertFalse(s.replica(leader).isLeader());
        s.w.checkLinearizable();
    }

    @Test
    void removedLeaderOfFiveHandsOverToo() {
        Sim s = new Sim(132, 5);
        SimClient c = s.client();
        s.put(c, "a", 1);
        String leader = s.leader();
        assertTrue(s.remove(c, Member.founding(leader)).applied());
        for (int i = 0; i < 6; i++) {
            assertNotNull(s.put(c, "b", i), "put " + i);
        }
        s.w.checkLinearizable();
    }
}
