package io.physalia.core.cell;

import java.util.Objects;

/** A node (one server process hosting many cell replicas), by its stable name. */
public record NodeId(String name) implements Comparable<NodeId> {
    public NodeId {
        Objects.requireNonNull(name, "name");
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
