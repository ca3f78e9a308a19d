package io.physalia.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What applying an inventory to a cluster's nodes changes: for every node of the inventory, the
 * topology labels (and color) it must carry and the ones it carries now. Pure: the caller reads
 * the nodes' labels and applies the plan (the operator's {@code label-nodes}).
 *
 * @param changes per node, each label that changes: its old value (null when absent) and new one
 * @param missing inventory nodes the cluster does not have
 * @param unlisted cluster nodes the inventory does not list (left as they are)
 */
public record LabelPlan(TreeMap<String, List<Change>> changes, List<String> missing, List<String> unlisted) {
    /** One label of one node: from {@code before} (null: absent) to {@code after}. */
    public record Change(String key, String before, String after) {
        @Override
        public String toString() {
            return key + ": " + (before == null ? "(none)" : before) + " -> " + after;
        }
    }

    /** The plan for {@code inventory} on nodes whose current labels are {@code current}. */
    public static LabelPlan of(Inventory inventory, Map<String, Map<String, String>> current) {
        TreeMap<String, List<Change>> changes = new TreeMap<>();
        List<String> missing = new ArrayList<>();
        for (NodeTopology n : inventory.topology().nodes()) {
            Map<String, String> now = current.get(n.node());
            if (now == null) {
                missing.add(n.node());
                continue;
            }
            Optional<String> color = inventory.color(n.node());
            List<Change> node = new ArrayList<>();
            TopologyLabels.labels(n, color).forEach((k, v) -> {
                if (!v.equals(now.get(k))) {
                    node.add(new Change(k, now.get(k), v));
                }
            });
            if (!node.isEmpty()) {
                changes.put(n.node(), node);
            }
        }
        TreeSet<String> unlisted = new TreeSet<>(current.keySet());
        inventory.topology().nodes().forEach(n -> unlisted.remove(n.node()));
        missing.sort(null);
        return new LabelPlan(changes, missing, List.copyOf(unlisted));
    }

    /** The plan as a person reads it: one line a changed label, then the nodes missing or left alone. */
    public String render() {
        StringBuilder b = new StringBuilder();
        changes.forEach((node, cs) -> cs.forEach(c -> b.append(node).append("  ").append(c).append('\n')));
        if (changes.isEmpty()) {
            b.append("every listed node already carries its labels\n");
        }
        if (!missing.isEmpty()) {
            b.append("not in the cluster: ").append(missing).append('\n');
        }
        if (!unlisted.isEmpty()) {
            b.append("in the cluster but not in the inventory (left alone): ").append(unlisted).append('\n');
        }
        return b.toString();
    }
}
