package io.physalia.core.cell;

import java.util.Comparator;
import java.util.Objects;

/**
 * One membership of a node in a cell. The incarnation is one more than the log slot of the change that added
 * the node (0 for the founding members), so a node that leaves and rejoins is a different
 * member: messages, promises and votes of its old incarnation never count for the new one
 * (the ABA case).
 */
public record Member(NodeId node, long incarnation) implements Comparable<Member> {
    private static final Comparator<Member> ORDER =
            Comparator.comparing(Member::node).thenComparingLong(Member::incarnation);

    public Member {
        Objects.requireNonNull(node, "node");
    }

    public static Member founding(String node) {
        return new Member(new NodeId(node), 0);
    }

    @Override
    public int compareTo(Member o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return node + "#" + incarnation;
    }
}
