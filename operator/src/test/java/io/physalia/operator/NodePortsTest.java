package io.physalia.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodePortsTest {
    @Test
    void theAdminApiIsWhereThePodsOwnArgsPutIt() {
        var template = ColorResources.statefulSet(ColorResourcesTest.colony(), ColorResourcesTest.color(null)).getSpec().getTemplate();
        Pod current = new PodBuilder().withMetadata(template.getMetadata()).withSpec(template.getSpec()).build();
        assertEquals("10.0.0.7:" + NodePorts.ADMIN, NodePorts.adminAddress(current, "10.0.0.7"));

        // a pod of a StatefulSet written before the admin API had its own port, not yet rolled
        Pod older = new PodBuilder().withNewSpec().addNewContainer().withName("node")
                .withArgs(List.of("--name", "n", "--http-port", "7400")).endContainer().endSpec().build();
        assertEquals("10.0.0.8:" + NodePorts.HTTP, NodePorts.adminAddress(older, "10.0.0.8"));
    }
}
