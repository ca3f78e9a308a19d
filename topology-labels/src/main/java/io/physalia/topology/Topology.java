package io.physalia.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A validated fleet: every node's place, with names that agree with each other. Rack names are
 * unique across the fleet (a rack sits in one row), row names are unique across the fleet (a row
 * sits in one zone), and a power domain stays within one zone. Build one with {@link #builder()}
 * or {@link #of(Collection)}; contradictions throw {@link TopologyException} listing all of them.
 */
public final class Topology {
    private final SortedMap<String, NodeTopology> nodes;

    private Topology(SortedMap<String, NodeTopology> nodes) {
        this.nodes = Collections.unmodifiableSortedMap(nodes);
    }

    public static Topology of(Collection<NodeTopology> nodes) {
        Builder b = builder();
        nodes.forEach(n -> b.add(n, 0));
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All nodes, ordered by name. */
    public Collection<NodeTopology> nodes() {
        return nodes.values();
    }

    public Optional<NodeTopology> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    public int size() {
        return nodes.size();
    }

    /** Row paths ({@code zone/row}), sorted. */
    public List<String> rows() {
        TreeSet<String> rows = new TreeSet<>();
        nodes.values().forEach(n -> rows.add(n.location().rowPath()));
        return List.copyOf(rows);
    }

    /** Collects nodes and checks that their names agree; reports every problem, not just the first. */
    public static final class Builder {
        private final TreeMap<String, NodeTopology> nodes = new TreeMap<>();
        private final Map<String, Integer> nodeLine = new HashMap<>();
        private final Map<String, Seen> rackRow = new HashMap<>();
        private final Map<String, Seen> rowZone = new HashMap<>();
        private final Map<String, Seen> powerZone = new HashMap<>();
        private final List<Problem> problems = new ArrayList<>();

        private record Seen(String parent, String node, int line) {
            String where() {
                return line > 0 ? "line " + line : "node " + node;
            }
        }

        /** Adds a node; {@code line} is its 1-based inventory line, or 0 when it came from labels. */
        public Builder add(NodeTopology n, int line) {
            if (nodes.containsKey(n.node())) {
                int first = nodeLine.get(n.node());
                problems.add(new Problem(line, n.node(), "duplicate node '" + n.node() + "'"
                        + (first > 0 ? " (first on line " + first + ")" : "")));
                return this;
            }
            boolean ok = agree(rackRow, "rack", n.rack(), "row", n.row(), n, line);
            ok &= agree(rowZone, "row", n.row(), "zone", n.zone(), n, line);
            ok &= agree(powerZone, "power domain", n.power(), "zone", n.zone(), n, line);
            if (ok) {
                nodes.put(n.node(), n);
                nodeLine.put(n.node(), line);
            }
            return this;
        }

        private boolean agree(Map<String, Seen> seen, String what, String name, String parentKind,
                String parent, NodeTopology n, int line) {
            Seen first = seen.putIfAbsent(name, new Seen(parent, n.node(), line));
            if (first == null || first.parent().equals(parent)) {
                return true;
            }
            problems.add(new Problem(line, n.node(), what + " '" + name + "' is in " + parentKind + " '"
                    + parent + "' here but in " + parentKind + " '" + first.parent() + "' at "
                    + first.where()));
            return false;
        }

        public List<Problem> problems() {
            return List.copyOf(problems);
        }

        public Topology build() {
            if (!problems.isEmpty()) {
                throw new TopologyException(problems);
            }
            return new Topology(new TreeMap<>(nodes));
        }
    }
}
