package io.physalia.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LocationTest {
    private final NodeTopology node = new NodeTopology("n1", "z1", "r1", "k1", "p1");

    @Test
    void distancesAreOrderedRackRowZone() {
        assertEquals(Distance.SAME_RACK, node.distanceTo(new Location("z1", "r1", "k1")));
        assertEquals(Distance.SAME_ROW, node.distanceTo(new Location("z1", "r1", "k2")));
        assertEquals(Distance.SAME_ZONE, node.distanceTo(new Location("z1", "r2", "k9")));
        assertEquals(Distance.OTHER_ZONE, node.distanceTo(new Location("z2", "r1", "k1")));
        assertTrue(Distance.SAME_RACK.rank() < Distance.SAME_ROW.rank());
        assertTrue(Distance.SAME_ROW.rank() < Distance.SAME_ZONE.rank());
        assertTrue(Distance.SAME_ZONE.rank() < Distance.OTHER_ZONE.rank());
    }

    @Test
    void distanceIsSymmetric() {
        Location a = new Location("z1", "r1", "k1");
        Location b = new Location("z1", "r2", "k3");
        assertEquals(a.distanceTo(b), b.distanceTo(a));
        assertEquals("z1/r1", a.rowPath());
    }
}
