package io.physalia.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InventoryTest {
    private static List<String> problems(String text) {
        TopologyException e = assertThrows(TopologyException.class, () -> Inventory.parse(text));
        return e.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void parsesHeaderCommentsBlankLinesAndColors() {
        Inventory inv = Inventory.parse("""
                # datacenter 1
                node,zone,row,rack,power,color

                n1, z1, r1, k1, p1, blue
                n2,z1,r1,k2,p1
                """);
        assertEquals(2, inv.topology().size());
        assertEquals(Optional.of("blue"), inv.color("n1"));
        assertEquals(Optional.empty(), inv.color("n2"));
        Map<String, Map<String, String>> labels = inv.labels(Map.of("n2", "green"));
        assertEquals(Map.of(TopologyLabels.ZONE, "z1", TopologyLabels.ROW, "r1", TopologyLabels.RACK, "k1",
                TopologyLabels.POWER, "p1", TopologyLabels.COLOR, "blue"), labels.get("n1"));
        assertEquals("green", labels.get("n2").get(TopologyLabels.COLOR));
        assertEquals(4, inv.labels().get("n2").size());
    }

    @Test
    void labelsParseBackToTheSameTopology() {
        Inventory inv = Inventory.parse("n1,z1,r1,k1,p1\nn2,z1,r2,k2,p1\nn3,z2,r3,k3,p3\n");
        assertEquals(List.copyOf(inv.topology().nodes()), List.copyOf(TopologyLabels.parseFleet(inv.labels()).nodes()));
    }

    @Test
    void wrongFieldCount() {
        assertEquals(List.of("line 2: expected 5 or 6 comma-separated fields (node,zone,row,rack,power[,color]) but found 4"),
                problems("n1,z1,r1,k1,p1\nn2,z1,r1,k1\n"));
    }

    @Test
    void malformedFieldsAreLineNumbered() {
        List<String> p = problems("n1,z1,r1,k1,p1\n\nN_2,z1,r 1,k1,\n");
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("line 3: node name 'N_2'"), p.get(0));
        assertTrue(p.get(1).startsWith("line 3: row 'r 1' is not a label value"), p.get(1));
        assertEquals("line 3: power is empty", p.get(2));
    }

    @Test
    void malformedColor() {
        assertEquals(List.of("line 1: color '-x' is not a label value (letters, digits, '-', '_', '.'; starting and ending with a letter or digit)"),
                problems("n1,z1,r1,k1,p1,-x\n"));
    }

    @Test
    void duplicateNodeNamesTheFirstLine() {
        assertEquals(List.of("line 3: duplicate node 'n1' (first on line 1)"),
                problems("n1,z1,r1,k1,p1\nn2,z1,r1,k1,p1\nn1,z1,r1,k1,p1\n"));
    }

    @Test
    void rackInTwoRows() {
        assertEquals(List.of("line 2: rack 'k1' is in row 'r2' here but in row 'r1' at line 1"),
                problems("n1,z1,r1,k1,p1\nn2,z1,r2,k1,p1\n"));
    }

    @Test
    void rowInTwoZones() {
        assertEquals(List.of("line 2: row 'r1' is in zone 'z2' here but in zone 'z1' at line 1"),
                problems("n1,z1,r1,k1,p1\nn2,z2,r1,k2,p2\n"));
    }

    @Test
    void powerDomainInTwoZones() {
        assertEquals(List.of("line 2: power domain 'p1' is in zone 'z2' here but in zone 'z1' at line 1"),
                problems("n1,z1,r1,k1,p1\nn2,z2,r2,k2,p1\n"));
    }

    @Test
    void headerOnlyAfterDataIsAnError() {
        assertEquals(List.of("line 2: header line may only come before the first node"),
                problems("n1,z1,r1,k1,p1\nnode,zone,row,rack,power\n"));
    }

    @Test
    void emptyInventory() {
        assertEquals(List.of("inventory lists no nodes"), problems("# nothing\n\n"));
    }

    @Test
    void allProblemsAreReportedInLineOrder() {
        List<String> p = problems("n1,z1,r1,k1,p1\nbad\nn1,z1,r1,k1,p1\nn3,z1,r9,k1,p1\n");
        assertEquals(3, p.size());
        assertTrue(p.get(0).startsWith("line 2:"));
        assertTrue(p.get(1).startsWith("line 3:"));
        assertTrue(p.get(2).startsWith("line 4:"));
    }

    @Test
    void assignedColorsAreChecked() {
        Inventory inv = Inventory.parse("n1,z1,r1,k1,p1\n");
        assertThrows(IllegalArgumentException.class, () -> inv.labels(Map.of("n9", "blue")));
        assertThrows(IllegalArgumentException.class, () -> inv.labels(Map.of("n1", "blue green")));
    }
}
