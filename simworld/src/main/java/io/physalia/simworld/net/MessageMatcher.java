package io.physalia.simworld.net;

import java.util.Objects;
import java.util.function.Predicate;

/** Chooses the messages a fault rule applies to. */
@FunctionalInterface
public interface MessageMatcher<M> {

    boolean matches(String from, String to, M message);

    default MessageMatcher<M> and(MessageMatcher<M> other) {
        Objects.requireNonNull(other, "other");
        return (from, to, message) -> matches(from, to, message) && other.matches(from, to, message);
    }

    default MessageMatcher<M> or(MessageMatcher<M> other) {
        Objects.requireNonNull(other, "other");
        return (from, to, message) -> matches(from, to, message) || other.matches(from, to, message);
    }

    static <M> MessageMatcher<M> any() {
        return (from, to, message) -> true;
    }

    static <M> MessageMatcher<M> from(String node) {
        Objects.requireNonNull(node, "node");
        return (from, to, message) -> from.equals(node);
    }

    static <M> MessageMatcher<M> to(String node) {
        Objects.requireNonNull(node, "node");
        return (from, to, message) -> to.equals(node);
    }

    /** Messages from {@code sender} to {@code receiver} only (one direction). */
    static <M> MessageMatcher<M> link(String sender, String receiver) {
        return MessageMatcher.<M>from(sender).and(to(receiver));
    }

    /** Messages between two nodes, in either direction. */
    static <M> MessageMatcher<M> between(String a, String b) {
        return MessageMatcher.<M>link(a, b).or(link(b, a));
    }

    /** Messages whose content satisfies {@code predicate}, whoever sends them. */
    static <M> MessageMatcher<M> where(Predicate<? super M> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return (from, to, message) -> predicate.test(message);
    }
}
