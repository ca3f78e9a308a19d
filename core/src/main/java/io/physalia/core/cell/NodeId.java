package io.physalia.core.cell;

import java.util.Objects;

/** A node (one server process hosting many cell replicas), by its stable name. */
public record NodeId(String name) implements Comparable<NodeId> {
    public NodeId {
        Objects.requireNonNull(name, "name");
        // A node hosts up to ~100,000 replicas, each holding its members' names; a colony has few
        // distinct node names, so they are shared rather than kept once per replica (idle heap).
        name = name.intern();
    }

    @Override
    public int compareTo(NodeId o) {
        return name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
