package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.TopologyLabels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real scheduler spreads a StatefulSet's pods across the fake racks as its constraints demand. */
@ExtendWith(ControlPlaneExtension.class)
class TopologySpreadSmokeTest {

    @Test
    void statefulSetPodsSpreadEvenlyAcrossRacks(ControlPlane plane) {
        KubernetesClient client = plane.client();
        List<NodeTopology> nodes = FakeFleet.create(plane, "spread", 3, 2);
        Map<String, String> rackOfNode = nodes.stream()
                .collect(Collectors.toMap(NodeTopology::node, NodeTopology::rack));
        String ns = "spread";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();

        StatefulSet cells = new StatefulSetBuilder()
                .withNewMetadata().withName("cells").withNamespace(ns).endMetadata()
                .withNewSpec()
                    .withReplicas(6)
                    .withServiceName("cells")
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector().addToMatchLabels("app", "cells").endSelector()
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("app", "cells").endMetadata()
                        .withNewSpec()
                            .addToNodeSelector(FakeFleet.POOL, "spread")
                            .addNewTopologySpreadConstraint()
                                .withMaxSkew(1)
                                .withTopologyKey(TopologyLabels.RACK)
                                .withWhenUnsatisfiable("DoNotSchedule")
                                .withNewLabelSelector().addToMatchLabels("app", "cells").endLabelSelector()
                            .endTopologySpreadConstraint()
                            .addNewContainer().withName("node").withImage("registry.k8s.io/pause:3.10").endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
        client.apps().statefulSets().resource(cells).create();

        plane.await("6 StatefulSet pods Running on fake nodes", Duration.ofSeconds(60),
                () -> client.pods().inNamespace(ns).withLabel("app", "cells").list().getItems().stream()
                        .filter(FakeFleet::running).count() == 6);

        List<Pod> pods = client.pods().inNamespace(ns).withLabel("app", "cells").list().getItems();
        Map<String, Long> perRack = new TreeMap<>(pods.stream()
                .map(p -> rackOfNode.get(p.getSpec().getNodeName()))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
        assertEquals(Map.of("spread-rack1", 2L, "spread-rack2", 2L, "spread-rack3", 2L), perRack,
                "maxSkew 1 over 3 racks with 6 pods means exactly 2 per rack");
    }
}
