package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.topology.NodeTopology;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deleting a fake node gets its Deployment pods rescheduled: the controller manager's pod garbage
 * collector removes pods bound to a node that no longer exists (after its 40 s quarantine), the
 * ReplicaSet controller replaces them and the scheduler places them on the nodes that remain.
 */
@ExtendWith(ControlPlaneExtension.class)
class RescheduleSmokeTest {

    @Test
    void deploymentPodsMoveOffADeletedNode(ControlPlane plane) {
        KubernetesClient client = plane.client();
        List<NodeTopology> nodes = FakeFleet.create(plane, "resched", 3, 1);
        String ns = "resched";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        Deployment web = new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(ns).endMetadata()
                .withNewSpec()
                    .withReplicas(4)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("app", "web").endMetadata()
                        .withNewSpec()
                            .addToNodeSelector(FakeFleet.POOL, "resched")
                            .withTerminationGracePeriodSeconds(0L)
                            .addNewContainer().withName("web").withImage("registry.k8s.io/pause:3.10").endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        client.apps().deployments().resource(web).create();
        plane.await("4 Deployment pods Running", Duration.ofSeconds(60), () -> running(client, ns).size() == 4);

        String doomed = running(client, ns).get(0).getSpec().getNodeName();
        Set<String> before = running(client, ns).stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
        client.nodes().withName(doomed).delete();

        plane.await("4 Running pods again, none on deleted node " + doomed, Duration.ofSeconds(100), () -> {
            List<Pod> pods = client.pods().inNamespace(ns).withLabel("app", "web").list().getItems();
            return pods.size() == 4 && pods.stream().allMatch(FakeFleet::running)
                    && pods.stream().noneMatch(p -> doomed.equals(p.getSpec().getNodeName()));
        });
        List<Pod> after = running(client, ns);
        assertEquals(4, after.size());
        assertFalse(after.stream().allMatch(p -> before.contains(p.getMetadata().getName())),
                "at least one pod must be a replacement");
        Set<String> remaining = nodes.stream().map(NodeTopology::node).filter(n -> !n.equals(doomed))
                .collect(Collectors.toSet());
        after.forEach(p -> assertTrue(remaining.contains(p.getSpec().getNodeName()),
                p.getMetadata().getName() + " is on " + p.getSpec().getNodeName()));
    }

    private static List<Pod> running(KubernetesClient client, String ns) {
        return client.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
                .filter(FakeFleet::running).toList();
    }
}
