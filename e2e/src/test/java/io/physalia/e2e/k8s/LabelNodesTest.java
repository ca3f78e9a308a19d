package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.operator.LabelNodes;
import io.physalia.topology.TopologyException;
import io.physalia.topology.TopologyLabels;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code physalia label-nodes} on a real API server: plan, dry run, apply, idempotence, refusals. */
@ExtendWith(ControlPlaneExtension.class)
class LabelNodesTest {
    static final String INVENTORY = """
            node,zone,row,rack,power,color
            inv-a,z1,inv-r1,inv-r1-k1,inv-p1,blue
            inv-b,z1,inv-r1,inv-r1-k2,inv-p2
            """;

    @Test
    void anInventoryIsPlannedAppliedOnceAndRefusedWhenItContradictsItself(ControlPlane plane) {
        KubernetesClient client = plane.client();
        for (String n : new String[] {"inv-a", "inv-b"}) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(n).addToLabels("keep", "me").endMetadata().build()).create();
        }
        LabelNodes.Result dry = LabelNodes.run(client, INVENTORY, true);
        assertFalse(dry.applied());
        assertEquals(5, dry.plan().changes().get("inv-a").size(), dry.plan().render());
        assertEquals(null, labels(client, "inv-a").get(TopologyLabels.RACK), "a dry run changes nothing");

        LabelNodes.Result applied = LabelNodes.run(client, INVENTORY, false);
        assertTrue(applied.applied());
        Map<String, String> a = labels(client, "inv-a");
        assertEquals("inv-r1-k1", a.get(TopologyLabels.RACK));
        assertEquals("blue", a.get(TopologyLabels.COLOR));
        assertEquals("me", a.get("keep"), "other labels stay");
        assertEquals(null, labels(client, "inv-b").get(TopologyLabels.COLOR), "no color given, none set");
        assertTrue(LabelNodes.run(client, INVENTORY, false).plan().changes().isEmpty(), "a second run has nothing to do");

        TopologyException contradiction = assertThrows(TopologyException.class, () -> LabelNodes.run(client, INVENTORY
                + "inv-c,z1,inv-r2,inv-r1-k1,inv-p1\n", false));
        assertTrue(contradiction.getMessage().contains("line 4"), contradiction.getMessage());

        LabelNodes.Result missing = LabelNodes.run(client, INVENTORY + "inv-z,z1,inv-r1,inv-r1-k3,inv-p1\n", false);
        assertFalse(missing.applied(), "an inventory naming a node the cluster lacks is not applied");
        assertEquals(java.util.List.of("inv-z"), missing.plan().missing());
    }

    static Map<String, String> labels(KubernetesClient client, String node) {
        return client.nodes().withName(node).get().getMetadata().getLabels();
    }
}
