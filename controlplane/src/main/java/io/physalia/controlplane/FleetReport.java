package io.physalia.controlplane;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A text view of the colony for operators ({@code physalia status}): for each row, each rack with
 * its nodes (power domain, color, health, load, cells), then the row's power domains with the
 * nodes and racks each one feeds, so both failure domains of every node can be read off.
 */
public final class FleetReport {
    /** Node names in the order a person counts them: n2 before n10. */
    static final Comparator<Node> BY_NAME = (a, b) -> naturalCompare(a.name(), b.name());

    private FleetReport() {}

    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int ei = i;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                int ej = j;
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                String da = a.substring(i, ei).replaceFirst("^0+(?=.)", "");
                String db = b.substring(j, ej).replaceFirst("^0+(?=.)", "");
                int c = da.length() != db.length() ? Integer.compare(da.length(), db.length()) : da.compareTo(db);
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    /** At most {@code cellsPerNode} cell ids are listed per node. */
    public static String render(Fleet fleet, int cellsPerNode) {
        return render(fleet, cellsPerNode, n -> "");
    }

    /** Likewise, with {@code note} (for example the node's process) shown after each node's health. */
    public static String render(Fleet fleet, int cellsPerNode, Function<Node, String> note) {
        Map<String, Map<String, List<Node>>> byRowRack = new TreeMap<>(FleetReport::naturalCompare);
        Map<String, Map<String, List<Node>>> byRowPower = new TreeMap<>(FleetReport::naturalCompare);
        for (Node n : fleet.nodes()) {
            byRowRack.computeIfAbsent(n.rowPath(), k -> new TreeMap<>(FleetReport::naturalCompare)).computeIfAbsent(n.rack(), k -> new ArrayList<>()).add(n);
            byRowPower.computeIfAbsent(n.rowPath(), k -> new TreeMap<>(FleetReport::naturalCompare)).computeIfAbsent(n.power(), k -> new ArrayList<>()).add(n);
        }
        StringBuilder b = new StringBuilder();
        byRowRack.forEach((row, racks) -> {
            b.append("row ").append(row).append('\n');
            racks.forEach((rack, nodes) -> {
                b.append("  rack ").append(rack).append('\n');
                nodes.stream().sorted(BY_NAME).forEach(n -> {
                    String extra = note.apply(n);
                    b.append(String.format("    %-16s power=%-10s color=%-8s %-9s %s%d/%d", n.name(), n.power(), n.color(),
                            n.healthy() ? "healthy" : "UNHEALTHY", extra.isEmpty() ? "" : String.format("%-12s ", extra),
                            n.hostedReplicas() + n.reservedReplicas(), n.capacityReplicas()));
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
            b.append("  power domains\n");
            byRowPower.get(row).forEach((power, nodes) -> b.append("    ").append(power).append(": ")
                    .append(nodes.stream().sorted(BY_NAME)
                            .map(n -> n.name() + " (" + n.rack() + ", " + n.color() + ")").collect(Collectors.joining(", ")))
                    .append('\n'));
        });
        return b.toString();
    }
}
