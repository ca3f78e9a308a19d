package io.physalia.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TopologyLabelsTest {
    private static Map<String, String> labels(String zone, String row, String rack, String power) {
        Map<String, String> m = new HashMap<>();
        m.put(TopologyLabels.ZONE, zone);
        m.put(TopologyLabels.ROW, row);
        m.put(TopologyLabels.RACK, rack);
        m.put(TopologyLabels.POWER, power);
        return m;
    }

    private static List<String> problems(Runnable r) {
        TopologyException e = assertThrows(TopologyException.class, r::run);
        return e.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void parsesAndRendersRoundTrip() {
        Map<String, String> m = labels("us-east-1a", "r1", "k1", "p1");
        m.put(TopologyLabels.COLOR, "blue");
        m.put("kubernetes.io/hostname", "n1");
        TopologyLabels.LabeledNode n = TopologyLabels.parse("n1", m);
        assertEquals(new NodeTopology("n1", "us-east-1a", "r1", "k1", "p1"), n.topology());
        assertEquals(Optional.of("blue"), n.color());
        Map<String, String> back = TopologyLabels.labels(n.topology(), n.color());
        assertEquals(5, back.size());
        assertEquals(n, TopologyLabels.parse("n1", back));
    }

    @Test
    void colorIsOptional() {
        assertEquals(Optional.empty(), TopologyLabels.parse("n1", labels("z", "r", "k", "p")).color());
    }

    @Test
    void everyMissingLabelIsNamed() {
        List<String> p = problems(() -> TopologyLabels.parse("n1", Map.of(TopologyLabels.ZONE, "z1")));
        assertEquals(List.of("node n1: missing label physalia.io/row", "node n1: missing label physalia.io/rack",
                "node n1: missing label physalia.io/power"), p);
    }

    @Test
    void malformedValuesAreNamed() {
        Map<String, String> m = labels("", "-r1", "k".repeat(64), "p 1");
        m.put(TopologyLabels.COLOR, "blue!");
        List<String> p = problems(() -> TopologyLabels.parse("n1", m));
        assertEquals(5, p.size(), p.toString());
        assertTrue(p.get(0).contains("topology.kubernetes.io/zone is empty"), p.get(0));
        assertTrue(p.get(1).contains("'-r1' is not a label value"), p.get(1));
        assertTrue(p.get(2).contains("64 characters long; at most 63"), p.get(2));
        assertTrue(p.get(3).contains("'p 1' is not a label value"), p.get(3));
        assertTrue(p.get(4).contains("physalia.io/color 'blue!'"), p.get(4));
    }

    @Test
    void malformedNodeName() {
        List<String> p = problems(() -> TopologyLabels.parse("Node_1", labels("z", "r", "k", "p")));
        assertEquals(1, p.size());
        assertTrue(p.get(0).contains("node name 'Node_1' is not a DNS subdomain"), p.get(0));
    }

    @Test
    void fleetWithRackInTwoRowsIsContradictory() {
        Map<String, Map<String, String>> fleet = new TreeMap<>();
        fleet.put("n1", labels("z1", "r1", "k1", "p1"));
        fleet.put("n2", labels("z1", "r2", "k1", "p1"));
        List<String> p = problems(() -> TopologyLabels.parseFleet(fleet));
        assertEquals(List.of("node n2: rack 'k1' is in row 'r2' here but in row 'r1' at node n1"), p);
    }

    @Test
    void fleetWithRowInTwoZonesOrPowerAcrossZonesIsContradictory() {
        Map<String, Map<String, String>> fleet = new TreeMap<>();
        fleet.put("n1", labels("z1", "r1", "k1", "p1"));
        fleet.put("n2", labels("z2", "r1", "k2", "p2"));
        fleet.put("n3", labels("z2", "r3", "k3", "p1"));
        List<String> p = problems(() -> TopologyLabels.parseFleet(fleet));
        assertEquals(List.of("node n2: row 'r1' is in zone 'z2' here but in zone 'z1' at node n1",
                "node n3: power domain 'p1' is in zone 'z2' here but in zone 'z1' at node n1"), p);
    }

    @Test
    void fleetReportsPerNodeFaultsTogether() {
        Map<String, Map<String, String>> fleet = new TreeMap<>();
        fleet.put("n1", labels("z1", "r1", "k1", "p1"));
        fleet.put("n2", Map.of());
        List<String> p = problems(() -> TopologyLabels.parseFleet(fleet));
        assertEquals(4, p.size());
        assertTrue(p.stream().allMatch(s -> s.startsWith("node n2: missing label")));
    }

    @Test
    void powerDomainMaySpanRacksAndRows() {
        Map<String, Map<String, String>> fleet = new TreeMap<>();
        fleet.put("n1", labels("z1", "r1", "k1", "p1"));
        fleet.put("n2", labels("z1", "r1", "k2", "p1"));
        fleet.put("n3", labels("z1", "r2", "k3", "p1"));
        Topology t = TopologyLabels.parseFleet(fleet);
        assertEquals(3, t.size());
        assertEquals(List.of("z1/r1", "z1/r2"), t.rows());
    }

    @Test
    void duplicateNodeInBuilder() {
        NodeTopology n = new NodeTopology("n1", "z1", "r1", "k1", "p1");
        List<String> p = problems(() -> Topology.of(List.of(n, n)));
        assertEquals(List.of("node n1: duplicate node 'n1'"), p);
    }
}
