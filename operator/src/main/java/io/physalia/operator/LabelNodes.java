package io.physalia.operator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.topology.Inventory;
import io.physalia.topology.LabelPlan;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code label-nodes}: applies a datacenter inventory ({@code topology-labels}'s format: one node
 * a line, {@code node,zone,row,rack,power[,color]}) to the cluster's Node objects, so the operator
 * can read each node's place from its labels. Prints the plan; with {@code dryRun} changes
 * nothing. An inventory that contradicts itself is refused, naming every line at fault, before
 * anything is read from the cluster; one that lists a node the cluster lacks is refused too.
 */
public final class LabelNodes {
    private LabelNodes() {}

    /** The outcome: the plan and whether it was applied. */
    public record Result(LabelPlan plan, boolean applied) {}

    /** @throws io.physalia.topology.TopologyException naming the inventory's faulty lines */
    public static Result run(KubernetesClient client, String inventoryText, boolean dryRun) {
        Inventory inventory = Inventory.parse(inventoryText);
        Map<String, Map<String, String>> current = new TreeMap<>();
        for (Node n : client.nodes().list().getItems()) {
            Map<String, String> labels = n.getMetadata().getLabels();
            current.put(n.getMetadata().getName(), labels == null ? Map.of() : labels);
        }
        LabelPlan plan = LabelPlan.of(inventory, current);
        if (dryRun || !plan.missing().isEmpty()) {
            return new Result(plan, false);
        }
        plan.changes().forEach((node, changes) -> client.nodes().withName(node).edit(n -> {
            Map<String, String> labels = n.getMetadata().getLabels() == null ? new TreeMap<>() : new TreeMap<>(n.getMetadata().getLabels());
            changes.forEach(c -> labels.put(c.key(), c.after()));
            n.getMetadata().setLabels(labels);
            return n;
        }));
        return new Result(plan, true);
    }
}
