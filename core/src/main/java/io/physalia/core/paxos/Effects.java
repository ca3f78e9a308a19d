package io.physalia.core.paxos;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step of a replica asks its driver to do: make {@link #persist()} durable, and send
 * {@link #send()} and deliver {@link #replies()}. Most output waits until the step's records are
 * durable (persist before send: a promise or a vote must not be heard before it would survive a
 * crash); the part in {@link #sendNow()} and {@link #repliesNow()} claims nothing about this
 * replica's own records and goes at once, while the records sync. When those records are
 * durable, the driver hands {@link #ownVotes()} (this replica's acceptor's votes for its own
 * proposals) back to {@link Replica#onOwnVotesDurable}: a leader counts its own vote only once
 * it would survive a crash, as etcd-raft counts the leader's own append only once its storage
 * acknowledges it. If {@link #wakeupAtMillis()} is not {@link #NEVER}, call {@code onWakeup} at
 * that clock reading; an idle replica asks for no wakeup at all.
 */
public final class Effects {
    public static final long NEVER = Long.MAX_VALUE;

    private List<DurableRecord> persist;
    private List<Envelope> send;
    private List<Envelope> sendNow;
    private List<Reply> replies;
    private List<Reply> repliesNow;
    private List<Message.Accepted> ownVotes;
    private long wakeupAtMillis = NEVER;
    private String stoppedReason;

    void persist(DurableRecord r) {
        persist = added(persist, r, 4);
    }

    void send(Envelope e) {
        send = added(send, e, 8);
    }

    /**
     * A message that may leave before this step's records are durable: one that states no
     * promise or vote of this replica's acceptor (a proposer's Accept, a Commit of slots a
     * quorum durably accepted).
     */
    void sendNow(Envelope e) {
        sendNow = added(sendNow, e, 8);
    }

    /** A reply that may leave before this step's records are durable (an outcome a quorum already made durable). */
    void replyNow(Reply r) {
        repliesNow = added(repliesNow, r, 4);
    }

    /** This replica's own acceptor voted for its own proposal: counted once this step's records are durable. */
    void ownVote(Message.Accepted a) {
        ownVotes = added(ownVotes, a, 4);
    }

    void reply(Reply r) {
        replies = added(replies, r, 4);
    }

    void wakeupAt(long millis) {
        wakeupAtMillis = Math.min(wakeupAtMillis, millis);
    }

    void stopped(String reason) {
        stoppedReason = reason;
    }

    public List<DurableRecord> persist() {
        return persist == null ? List.of() : persist;
    }

    /** Every message of the step: {@link #sendNow()}'s, then those that wait for its records. */
    public List<Envelope> send() {
        return both(sendNow, send);
    }

    /** The messages that may go before the step's records are durable. */
    public List<Envelope> sendNow() {
        return sendNow == null ? List.of() : sendNow;
    }

    /** The messages that wait until the step's records are durable. */
    public List<Envelope> sendAfterPersist() {
        return send == null ? List.of() : send;
    }

    /** Every reply of the step: {@link #repliesNow()}, then those that wait for its records. */
    public List<Reply> replies() {
        return both(repliesNow, replies);
    }

    public List<Reply> repliesNow() {
        return repliesNow == null ? List.of() : repliesNow;
    }

    public List<Reply> repliesAfterPersist() {
        return replies == null ? List.of() : replies;
    }

    /** Votes of this replica's acceptor for its own proposals, to hand back once the step's records are durable. */
    public List<Message.Accepted> ownVotes() {
        return ownVotes == null ? List.of() : ownVotes;
    }

    /** {@code list} with {@code item} added; a list is made (of {@code capacity}) only for a step's first item of its kind. */
    private static <T> List<T> added(List<T> list, T item, int capacity) {
        List<T> out = list == null ? new ArrayList<>(capacity) : list;
        out.add(item);
        return out;
    }

    private static <T> List<T> both(List<T> first, List<T> then) {
        if (first == null) {
            return then == null ? List.of() : then;
        }
        if (then == null) {
            return first;
        }
        List<T> all = new ArrayList<>(first.size() + then.size());
        all.addAll(first);
        all.addAll(then);
        return all;
    }

    public long wakeupAtMillis() {
        return wakeupAtMillis;
    }

    /** Non-null when an invariant failed during this step: the replica stopped and ignores further input. */
    public String stoppedReason() {
        return stoppedReason;
    }

    public boolean isEmpty() {
        return persist == null && send == null && sendNow == null && replies == null && repliesNow == null
                && ownVotes == null && wakeupAtMillis == NEVER && stoppedReason == null;
    }
}
