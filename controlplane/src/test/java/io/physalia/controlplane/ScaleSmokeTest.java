package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 10,000 cells on 1,000 nodes: every one placed in a nearest row and within the rules. No timing. */
class ScaleSmokeTest {
    @Test
    void tenThousandCellsOnAThousandNodes() {
        Fleet f = Fleets.colored(Fleets.regular(2, 5, 10, 10, 4), List.of("amber", "blue", "green", "red"), 1_000);
        ControlPlane cp = new ControlPlane(f, new Random(5));
        Random clients = new Random(6);
        for (int i = 0; i < 10_000; i++) {
            PlacementRequest req = PlacementRequest.of("c" + i, Fleets.randomClients(f, clients));
            PlacementResult.Placed p = assertInstanceOf(PlacementResult.Placed.class, cp.place(req));
            Fleet.Row row = f.rows().stream().filter(x -> x.path().equals(p.row())).findFirst().orElseThrow();
            int best = f.rows().stream().mapToInt(x -> x.distanceTo(req.clients())).min().orElseThrow();
            assertEquals(best, row.distanceTo(req.clients()));
        }
        for (Cell c : f.cells()) {
            assertEquals(List.of(), Rules.violations(c, true));
        }
        assertEquals(0, OverlapStats.of(f).identicalMemberSets());
    }
}
