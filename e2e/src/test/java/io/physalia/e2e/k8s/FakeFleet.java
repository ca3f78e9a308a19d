package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.Pod;
import io.physalia.topology.NodeTopology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Fake nodes for one test: {@code racks} racks of {@code perRack} nodes in a pool of their own. */
final class FakeFleet {
    static final String POOL = "e2e.physalia.io/pool";

    private FakeFleet() {}

    static List<NodeTopology> create(ControlPlane plane, String pool, int racks, int perRack) {
        List<NodeTopology> nodes = new ArrayList<>();
        for (int r = 1; r <= racks; r++) {
            for (int n = 1; n <= perRack; n++) {
                NodeTopology node = new NodeTopology(pool + "-rack" + r + "-n" + n, "zone-a",
                        "row-" + ((r + 1) / 2), pool + "-rack" + r, "power-" + (r % 2 == 0 ? "b" : "a"));
                plane.addFakeNode(node, Map.of(POOL, pool));
                nodes.add(node);
            }
        }
        return nodes;
    }

    static boolean running(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                && pod.getMetadata().getDeletionTimestamp() == null;
    }
}
