package io.physalia.controlplane;

import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Spreads colors evenly across the datacenter (paper section 3.4). Nodes are walked in topology
 * order (zone, row, rack, power domain, name) and dealt colors in turn, like cards. So the
 * fleet's color counts differ by at most one, every rack with at least as many nodes as there
 * are colors holds every color, and a power domain's nodes in one rack get consecutive colors.
 * Every row then offers each color across many racks, so a cell's color barely limits how close
 * it can sit to its clients.
 */
public final class ColorPlan {
    private ColorPlan() {}

    public static SortedMap<String, String> assign(Topology topology, List<String> colors) {
        if (colors.isEmpty() || colors.stream().distinct().count() != colors.size()) {
            throw new IllegalArgumentException("colors must be non-empty and distinct: " + colors);
        }
        List<NodeTopology> nodes = new ArrayList<>(topology.nodes());
        nodes.sort(Comparator.comparing(NodeTopology::zone).thenComparing(NodeTopology::row)
                .thenComparing(NodeTopology::rack).thenComparing(NodeTopology::power).thenComparing(NodeTopology::node));
        SortedMap<String, String> out = new TreeMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            out.put(nodes.get(i).node(), colors.get(i % colors.size()));
        }
        return out;
    }
}
