package io.physalia.core.paxos;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step of a replica asks its driver to do, in this order: make {@link #persist()}
 * durable, then send {@link #send()} and deliver {@link #replies()}. If {@link #wakeupAtMillis()}
 * is not {@link #NEVER}, call {@code onWakeup} at that clock reading; an idle replica asks for
 * no wakeup at all.
 */
public final class Effects {
    public static final long NEVER = Long.MAX_VALUE;

    private List<DurableRecord> persist;
    private List<Envelope> send;
    private List<Reply> replies;
    private long wakeupAtMillis = NEVER;
    private String stoppedReason;

    void persist(DurableRecord r) {
        if (persist == null) {
            persist = new ArrayList<>(4);
        }
        persist.add(r);
    }

    void send(Envelope e) {
        if (send == null) {
            send = new ArrayList<>(8);
        }
        send.add(e);
    }

    void reply(Reply r) {
        if (replies == null) {
            replies = new ArrayList<>(4);
        }
        replies.add(r);
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

    public List<Envelope> send() {
        return send == null ? List.of() : send;
    }

    public List<Reply> replies() {
        return replies == null ? List.of() : replies;
    }

    public long wakeupAtMillis() {
        return wakeupAtMillis;
    }

    /** Non-null when an invariant failed during this step: the replica stopped and ignores further input. */
    public String stoppedReason() {
        return stoppedReason;
    }

    public boolean isEmpty() {
        return persist == null && send == null && replies == null && wakeupAtMillis == NEVER && stoppedReason == null;
    }
}
