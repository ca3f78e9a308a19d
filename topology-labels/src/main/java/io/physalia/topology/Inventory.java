package io.physalia.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A datacenter inventory: which zone, row, rack and power domain each node sits in, and
 * optionally its color. The text format (documented in {@code topology-labels/README.md}) is one
 * node per line, {@code node,zone,row,rack,power[,color]}; blank lines and lines starting with
 * {@code #} are ignored; a first line {@code node,zone,row,rack,power[,color]} is a header.
 */
public final class Inventory {
    private static final String HEADER = "node,zone,row,rack,power";

    private final Topology topology;
    private final SortedMap<String, String> colors;

    private Inventory(Topology topology, SortedMap<String, String> colors) {
        this.topology = topology;
        this.colors = Collections.unmodifiableSortedMap(colors);
    }

    public Topology topology() {
        return topology;
    }

    /** Colors given in the inventory, by node; nodes without a color are absent. */
    public SortedMap<String, String> colors() {
        return colors;
    }

    public Optional<String> color(String node) {
        return Optional.ofNullable(colors.get(node));
    }

    /**
     * Parses and validates an inventory.
     *
     * @throws TopologyException listing every problem with its line number
     */
    public static Inventory parse(String text) {
        List<Problem> problems = new ArrayList<>();
        Topology.Builder builder = Topology.builder();
        TreeMap<String, String> colors = new TreeMap<>();
        String[] lines = text.split("\r?\n", -1);
        boolean seenData = false;
        for (int i = 0; i < lines.length; i++) {
            int line = i + 1;
            String raw = lines[i].strip();
            if (raw.isEmpty() || raw.startsWith("#")) {
                continue;
            }
            if (raw.equals(HEADER) || raw.equals(HEADER + ",color")) {
                if (seenData) {
                    problems.add(new Problem(line, "", "header line may only come before the first node"));
                }
                seenData = true;
                continue;
            }
            seenData = true;
            String[] f = raw.split(",", -1);
            if (f.length != 5 && f.length != 6) {
                problems.add(new Problem(line, "", "expected 5 or 6 comma-separated fields"
                        + " (node,zone,row,rack,power[,color]) but found " + f.length));
                continue;
            }
            for (int k = 0; k < f.length; k++) {
                f[k] = f[k].strip();
            }
            int before = problems.size();
            TopologyLabels.nodeNameProblem(f[0]).ifPresent(p -> problems.add(new Problem(line, f[0], p)));
            String[] names = {"zone", "row", "rack", "power", "color"};
            for (int k = 1; k < f.length; k++) {
                String field = names[k - 1];
                TopologyLabels.valueProblem(f[k]).ifPresent(p -> problems.add(new Problem(line, f[0], field + " " + p)));
            }
            if (problems.size() > before) {
                continue;
            }
            int beforeAdd = builder.problems().size();
            builder.add(new NodeTopology(f[0], f[1], f[2], f[3], f[4]), line);
            if (f.length == 6 && builder.problems().size() == beforeAdd) {
                colors.put(f[0], f[5]);
            }
        }
        problems.addAll(builder.problems());
        if (problems.isEmpty() && builder.build().size() == 0) {
            problems.add(new Problem(0, "", "inventory lists no nodes"));
        }
        if (!problems.isEmpty()) {
            problems.sort((a, b) -> Integer.compare(a.line(), b.line()));
            throw new TopologyException(problems);
        }
        return new Inventory(builder.build(), colors);
    }

    /** The nodes' labels, by node; colors from the inventory. */
    public SortedMap<String, Map<String, String>> labels() {
        return labels(Map.of());
    }

    /**
     * The nodes' labels, by node. A node's color comes from the inventory, else from
     * {@code assignedColors} (for example the control plane's even color plan), else it has none.
     *
     * @throws IllegalArgumentException if {@code assignedColors} names a node not in the
     *     inventory or a malformed color
     */
    public SortedMap<String, Map<String, String>> labels(Map<String, String> assignedColors) {
        for (Map.Entry<String, String> e : assignedColors.entrySet()) {
            if (topology.node(e.getKey()).isEmpty()) {
                throw new IllegalArgumentException("color assigned to node '" + e.getKey() + "', which is not in the inventory");
            }
            TopologyLabels.valueProblem(e.getValue()).ifPresent(p -> {
                throw new IllegalArgumentException("color for node '" + e.getKey() + "' " + p);
            });
        }
        TreeMap<String, Map<String, String>> out = new TreeMap<>();
        for (NodeTopology n : topology.nodes()) {
            Optional<String> color = color(n.node()).or(() -> Optional.ofNullable(assignedColors.get(n.node())));
            out.put(n.node(), TopologyLabels.labels(n, color));
        }
        return out;
    }
}
