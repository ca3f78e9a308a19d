package io.physalia.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelPlanTest {
    static final Inventory INVENTORY = Inventory.parse("""
            node,zone,row,rack,power,color
            k1,z1,r1,r1-k1,p1,blue
            k2,z1,r1,r1-k2,p2
            k3,z1,r2,r2-k1,p1
            """);

    @Test
    void onlyWhatDiffersChangesAndNodesOutsideTheInventoryAreLeftAlone() {
        LabelPlan plan = LabelPlan.of(INVENTORY, Map.of(
                "k1", Map.of(TopologyLabels.ZONE, "z1", TopologyLabels.ROW, "r1", TopologyLabels.RACK, "r1-k1", TopologyLabels.POWER, "p1"),
                "k2", Map.of(TopologyLabels.ZONE, "z1", TopologyLabels.ROW, "r1", TopologyLabels.RACK, "r1-k2", TopologyLabels.POWER, "p2"),
                "other", Map.of()));
        assertEquals(List.of(new LabelPlan.Change(TopologyLabels.COLOR, null, "blue")), plan.changes().get("k1"));
        assertEquals(null, plan.changes().get("k2"), "k2 carries its labels already");
        assertEquals(List.of("k3"), plan.missing());
        assertEquals(List.of("other"), plan.unlisted());
        String text = plan.render();
        assertTrue(text.contains("k1  physalia.io/color: (none) -> blue"), text);
        assertTrue(text.contains("not in the cluster: [k3]"), text);
    }

    @Test
    void aWrongLabelIsShownWithItsOldValue() {
        LabelPlan plan = LabelPlan.of(INVENTORY, Map.of("k3", Map.of(TopologyLabels.RACK, "r9-k9")));
        assertTrue(plan.changes().get("k3").contains(new LabelPlan.Change(TopologyLabels.RACK, "r9-k9", "r2-k1")));
    }
}
