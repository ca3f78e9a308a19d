package io.physalia.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The node label scheme (see {@code topology-labels/README.md}): the well-known
 * {@code topology.kubernetes.io/zone} plus this project's row, rack, power and color keys. Parses
 * a node's labels into its topology with every fault reported at once, and renders a topology
 * back into labels.
 */
public final class TopologyLabels {
    public static final String ZONE = "topology.kubernetes.io/zone";
    public static final String ROW = "physalia.io/row";
    public static final String RACK = "physalia.io/rack";
    public static final String POWER = "physalia.io/power";
    public static final String COLOR = "physalia.io/color";

    /** Kubernetes label value syntax, made non-empty: at most 63 characters. */
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    /** Kubernetes node names are DNS subdomains (RFC 1123), at most 253 characters. */
    private static final Pattern NODE_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private TopologyLabels() {}

    /** A node's topology and its color label, if it has one. */
    public record LabeledNode(NodeTopology topology, Optional<String> color) {}

    /** Why {@code value} is not a usable label value, or empty when it is. */
    public static Optional<String> valueProblem(String value) {
        if (value.isEmpty()) {
            return Optional.of("is empty");
        }
        if (value.length() > 63) {
            return Optional.of("is " + value.length() + " characters long; at most 63 allowed");
        }
        if (!VALUE.matcher(value).matches()) {
            return Optional.of("'" + value + "' is not a label value (letters, digits, '-', '_', '.';"
                    + " starting and ending with a letter or digit)");
        }
        return Optional.empty();
    }

    /** Why {@code name} is not a usable node name, or empty when it is. */
    public static Optional<String> nodeNameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("node name is empty");
        }
        if (name.length() > 253 || !NODE_NAME.matcher(name).matches()) {
            return Optional.of("node name '" + name + "' is not a DNS subdomain (lowercase letters,"
                    + " digits, '-' and '.', at most 253 characters)");
        }
        return Optional.empty();
    }

    /**
     * Reads one node's topology from its labels.
     *
     * @throws TopologyException naming every missing or malformed label
     */
    public static LabeledNode parse(String node, Map<String, String> labels) {
        List<Problem> problems = new ArrayList<>();
        nodeNameProblem(node).ifPresent(p -> problems.add(new Problem(0, node, p)));
        String zone = required(node, labels, ZONE, problems);
        String row = required(node, labels, ROW, problems);
        String rack = required(node, labels, RACK, problems);
        String power = required(node, labels, POWER, problems);
        String color = labels.get(COLOR);
        if (color != null) {
            valueProblem(color).ifPresent(p -> problems.add(new Problem(0, node, "label " + COLOR + " " + p)));
        }
        if (!problems.isEmpty()) {
            throw new TopologyException(problems);
        }
        return new LabeledNode(new NodeTopology(node, zone, row, rack, power), Optional.ofNullable(color));
    }

    private static String required(String node, Map<String, String> labels, String key, List<Problem> problems) {
        String v = labels.get(key);
        if (v == null) {
            problems.add(new Problem(0, node, "missing label " + key));
            return "";
        }
        valueProblem(v).ifPresent(p -> problems.add(new Problem(0, node, "label " + key + " " + p)));
        return v;
    }

    /**
     * Reads a whole fleet from its nodes' labels and checks that the nodes agree (for example, no
     * rack name in two rows).
     *
     * @throws TopologyException listing every fault in every node
     */
    public static Topology parseFleet(Map<String, Map<String, String>> labelsByNode) {
        List<Problem> problems = new ArrayList<>();
        Topology.Builder builder = Topology.builder();
        labelsByNode.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            try {
                builder.add(parse(e.getKey(), e.getValue()).topology(), 0);
            } catch (TopologyException ex) {
                problems.addAll(ex.problems());
            }
        });
        problems.addAll(builder.problems());
        if (!problems.isEmpty()) {
            throw new TopologyException(problems);
        }
        return builder.build();
    }

    /** The labels that describe {@code node}, with its color when one is given. */
    public static Map<String, String> labels(NodeTopology node, Optional<String> color) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ZONE, node.zone());
        labels.put(ROW, node.row());
        labels.put(RACK, node.rack());
        labels.put(POWER, node.power());
        color.ifPresent(c -> labels.put(COLOR, c));
        return labels;
    }
}
