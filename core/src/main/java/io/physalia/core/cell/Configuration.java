package io.physalia.core.cell;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The members of a cell, the jury that chooses values for a range of slots. */
public record Configuration(List<Member> members) {
    public Configuration {
        TreeSet<Member> sorted = new TreeSet<>(members);
        if (sorted.size() != members.size()) {
            throw new IllegalArgumentException("duplicate member in " + members);
        }
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("a configuration needs at least one member");
        }
        members = List.copyOf(sorted);
    }

    public int quorumSize() {
        return members.size() / 2 + 1;
    }

    public boolean contains(Member m) {
        return members.contains(m);
    }

    public boolean hasNode(NodeId node) {
        return members.stream().anyMatch(m -> m.node().equals(node));
    }

    public boolean isQuorum(Set<Member> voters) {
        int n = 0;
        for (Member m : members) {
            if (voters.contains(m)) {
                n++;
            }
        }
        return n >= quorumSize();
    }
}
