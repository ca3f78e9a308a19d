package io.physalia.simulations.availability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OutcomeTest {
    // Racks 0..5: the volume is client 0, primary 1, replica 2; the store has members on racks 0-5.
    private static final Volume V = new Volume(0, 1, 2);

    private static boolean[] up(int... down) {
        boolean[] up = new boolean[6];
        Arrays.fill(up, true);
        for (int d : down) {
            up[d] = false;
        }
        return up;
    }

    @Test
    void aWholeChainNeedsNoStore() {
        assertEquals(Outcome.SERVED, Outcome.of(V, new int[] {5}, up(5)));
        assertFalse(Outcome.needsStore(V, up(3, 4, 5)));
    }

    @Test
    void aCutOffReplicaNeedsThePrimaryToReachAMajority() {
        int[] members = {0, 1, 2, 3, 4};
        assertTrue(Outcome.needsStore(V, up(2)));
        assertEquals(Outcome.SERVED_BY_STORE, Outcome.of(V, members, up(2)));
        // Replica's rack and two more member racks down: the primary reaches 2 of 5.
        assertEquals(Outcome.LOST_TO_STORE, Outcome.of(V, members, up(2, 3, 4)));
    }

    @Test
    void aCutOffPrimaryNeedsTheReplicaAndTheClientToReachTheStore() {
        assertEquals(Outcome.SERVED_BY_STORE, Outcome.of(V, new int[] {5}, up(1)));
        assertEquals(Outcome.LOST_TO_STORE, Outcome.of(V, new int[] {5}, up(1, 5)));
        // The single point in the primary's rack goes down with it.
        assertEquals(Outcome.LOST_TO_STORE, Outcome.of(V, new int[] {1}, up(1)));
        // Members on the client's and replica's racks share their fate: still a majority.
        assertEquals(Outcome.SERVED_BY_STORE, Outcome.of(V, new int[] {0, 0, 2, 1, 1}, up(1)));
    }

    @Test
    void noReachableCopyAndACutOffClientAreCountedApart() {
        assertEquals(Outcome.LOST_DATA, Outcome.of(V, new int[] {0}, up(1, 2)));
        assertTrue(Outcome.LOST_DATA.lost());
        assertEquals(Outcome.CLIENT_CUT_OFF, Outcome.of(V, new int[] {3}, up(0)));
        assertFalse(Outcome.CLIENT_CUT_OFF.lost());
        assertFalse(Outcome.needsStore(V, up(0, 1)));
    }

    @Test
    void aVolumeUsesThreeRacks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Volume(1, 1, 2));
        assertTrue(e.getMessage().contains("three racks"), e.getMessage());
    }
}
