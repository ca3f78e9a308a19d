package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.topology.Location;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FleetReportTest {
    @Test
    void showsRowsRacksPowerColorsHealthAndCells() {
        Fleet f = Fleets.colored(Fleets.regular(1, 1, 3, 3, 3), List.of("blue"), 5);
        ControlPlane cp = new ControlPlane(f, new Random(1));
        cp.place(PlacementRequest.of("c1", List.of(new Location("z1", "z1r1", "z1r1k1"))));
        cp.setNodeHealth("z1r1k1n1", false);
        String r = FleetReport.render(f, 3);
        assertTrue(r.startsWith("row z1/z1r1\n  rack z1r1k1\n"), r);
        assertTrue(r.contains("z1r1k1n1         power=z1r1p1     color=blue     UNHEALTHY 1/5"), r);
        assertTrue(r.contains("cells c1"), r);
        assertTrue(r.contains("  power domains\n    z1r1p1: z1r1k1n1 (z1r1k1, blue), z1r1k2n3 (z1r1k2, blue), z1r1k3n2 (z1r1k3, blue)\n"), r);
        String noted = FleetReport.render(f, 3, n -> "pid " + n.name().length());
        assertTrue(FleetReport.naturalCompare("n2", "n10") < 0 && FleetReport.naturalCompare("n10", "n9") > 0
                && FleetReport.naturalCompare("r1-k2", "r1-k2") == 0 && FleetReport.naturalCompare("a", "a1") < 0);
        assertTrue(noted.contains("z1r1k1n1         power=z1r1p1     color=blue     UNHEALTHY pid 8        1/5"), noted);
    }
}
