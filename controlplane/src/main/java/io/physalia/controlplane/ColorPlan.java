package io.physalia.controlplane;

import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Spreads colors evenly across the datacenter (paper section 3.4). Nodes are visited in
 * topology order (zone, row, rack, name) and each takes the color that is rarest so far in its
 * rack, then in the fleet, then in its power domain, then in its row. So every rack holds as many
 * colors as its size allows, the fleet's color counts differ by at most one, power domains and
 * rows get a mix, and a cell's color barely limits how close it can sit to its clients.
 */
public final class ColorPlan {
    private ColorPlan() {}

    public static SortedMap<String, String> assign(Topology topology, List<String> colors) {
        if (colors.isEmpty() || colors.stream().distinct().count() != colors.size()) {
            throw new IllegalArgumentException("colors must be non-empty and distinct: " + colors);
        }
        List<NodeTopology> nodes = new ArrayList<>(topology.nodes());
        nodes.sort(Comparator.comparing(NodeTopology::zone).thenComparing(NodeTopology::row)
                .thenComparing(NodeTopology::rack).thenComparing(NodeTopology::node));
        Map<String, int[]> byRack = new HashMap<>();
        Map<String, int[]> byPower = new HashMap<>();
        Map<String, int[]> byRow = new HashMap<>();
        int[] fleet = new int[colors.size()];
        SortedMap<String, String> out = new TreeMap<>();
        for (NodeTopology n : nodes) {
            int[] rack = byRack.computeIfAbsent(n.rack(), k -> new int[colors.size()]);
            int[] power = byPower.computeIfAbsent(n.power(), k -> new int[colors.size()]);
            int[] row = byRow.computeIfAbsent(n.zone() + "/" + n.row(), k -> new int[colors.size()]);
            int best = 0;
            for (int c = 1; c < colors.size(); c++) {
                if (rarer(c, best, rack, fleet, power, row)) {
                    best = c;
                }
            }
            rack[best]++;
            power[best]++;
            row[best]++;
            fleet[best]++;
            out.put(n.node(), colors.get(best));
        }
        return out;
    }

    private static boolean rarer(int a, int b, int[]... counts) {
        for (int[] c : counts) {
            if (c[a] != c[b]) {
                return c[a] < c[b];
            }
        }
        return false;
    }
}
