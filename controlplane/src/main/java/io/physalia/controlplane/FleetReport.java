package io.physalia.controlplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A text view of the colony for operators (the future {@code physalia status}): for each row,
 * each rack with its nodes, their power domain, color, health, load and cells.
 */
public final class FleetReport {
    private FleetReport() {}

    /** At most {@code cellsPerNode} cell ids are listed per node. */
    public static String render(Fleet fleet, int cellsPerNode) {
        Map<String, Map<String, List<Node>>> byRowRack = new TreeMap<>();
        for (Node n : fleet.nodes()) {
            byRowRack.computeIfAbsent(n.rowPath(), k -> new TreeMap<>())
                    .computeIfAbsent(n.rack(), k -> new ArrayList<>()).add(n);
        }
        StringBuilder b = new StringBuilder();
        byRowRack.forEach((row, racks) -> {
            b.append("row ").append(row).append('\n');
            racks.forEach((rack, nodes) -> {
                b.append("  rack ").append(rack).append('\n');
                nodes.stream().sorted((x, y) -> x.name().compareTo(y.name())).forEach(n -> {
                    b.append(String.format("    %-16s power=%-10s color=%-8s %-9s %d/%d", n.name(), n.power(), n.color(),
                            n.healthy() ? "healthy" : "UNHEALTHY", n.hostedReplicas() + n.reservedReplicas(),
                            n.capacityReplicas()));
                    List<String> cells = n.cells().stream().map(Cell::id).sorted().limit(cellsPerNode).toList();
                    if (!cells.isEmpty()) {
                        b.append("  cells ").append(String.join(",", cells));
                        if (n.hostedReplicas() > cells.size()) {
                            b.append(",... (").append(n.hostedReplicas()).append(')');
                        }
                    }
                    b.append('\n');
                });
            });
        });
        return b.toString();
    }
}
