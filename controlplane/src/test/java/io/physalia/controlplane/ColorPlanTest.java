package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class ColorPlanTest {
    private static final List<String> COLORS = List.of("amber", "blue", "green", "red");

    @Test
    void colorsAreEvenAndEveryRackHasAMix() {
        for (int seed = 0; seed < 50; seed++) {
            Fleet f = Fleets.random(new Random(seed));
            Topology t = Topology.of(f.nodes().stream().map(Node::topology).toList());
            SortedMap<String, String> plan = ColorPlan.assign(t, COLORS);
            assertEquals(t.size(), plan.size());
            Map<String, Integer> counts = new HashMap<>();
            plan.values().forEach(c -> counts.merge(c, 1, Integer::sum));
            int min = counts.values().stream().mapToInt(i -> i).min().orElse(0);
            int max = counts.values().stream().mapToInt(i -> i).max().orElse(0);
            assertTrue(max - min <= 1 && (t.size() < COLORS.size() || counts.size() == COLORS.size()), counts.toString());
            Map<String, Set<String>> rackColors = new HashMap<>();
            Map<String, Integer> rackSize = new HashMap<>();
            for (NodeTopology n : t.nodes()) {
                rackColors.computeIfAbsent(n.rack(), k -> new HashSet<>()).add(plan.get(n.node()));
                rackSize.merge(n.rack(), 1, Integer::sum);
            }
            rackColors.forEach((rack, colors) -> assertEquals(Math.min(rackSize.get(rack), COLORS.size()), colors.size(),
                    "rack " + rack + " gets as many colors as it can hold"));
        }
    }

    @Test
    void powerDomainsGetAMix() {
        Topology t = Fleets.regular(1, 2, 8, 8, 3);
        SortedMap<String, String> plan = ColorPlan.assign(t, COLORS);
        Map<String, Set<String>> powerColors = new HashMap<>();
        t.nodes().forEach(n -> powerColors.computeIfAbsent(n.power(), k -> new HashSet<>()).add(plan.get(n.node())));
        powerColors.forEach((p, colors) -> assertEquals(COLORS.size(), colors.size(), p));
    }

    @Test
    void everyColorCanPlaceInEveryRow() {
        Topology t = Fleets.regular(2, 3, 8, 8, 4);
        Fleet f = Fleet.of(t, ColorPlan.assign(t, COLORS), 10);
        ControlPlane cp = new ControlPlane(f, new Random(1));
        int i = 0;
        for (Fleet.Row row : f.rows()) {
            for (String color : COLORS) {
                PlacementResult r = cp.place(PlacementRequest.of("c" + i++,
                        List.of(new io.physalia.topology.Location(row.zone(), row.row(), "x"))).withColor(color));
                PlacementResult.Placed p = (PlacementResult.Placed) r;
                assertEquals(row.path(), p.row());
            }
        }
    }

    @Test
    void rejectsNoOrDuplicateColors() {
        Topology t = Fleets.regular(1, 1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> ColorPlan.assign(t, List.of()));
        assertThrows(IllegalArgumentException.class, () -> ColorPlan.assign(t, List.of("a", "a")));
    }
}
