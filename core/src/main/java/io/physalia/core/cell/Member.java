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

    /** The member as the node APIs write it, {@code node@incarnation}. */
    public String text() {
        return node.name() + "@" + incarnation;
    }

    /**
     * Reads {@code node@incarnation} (the form {@link #text()} writes); the node name is
     * everything before the last {@code @}. Throws {@link IllegalArgumentException} naming what is
     * wrong.
     */
    public static Member parse(String text) {
        int at = text == null ? -1 : text.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("a member is \"node@incarnation\", not " + (text == null ? "null" : "'" + text + "'"));
        }
        long incarnation;
        try {
            incarnation = Long.parseLong(text.substring(at + 1));
        } catch (NumberFormatException e) {
            incarnation = -1;
        }
        if (incarnation < 0) {
            throw new IllegalArgumentException("incarnation of '" + text + "' must be a non-negative integer");
        }
        return new Member(new NodeId(text.substring(0, at)), incarnation);
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
