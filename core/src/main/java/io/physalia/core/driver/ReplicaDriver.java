package io.physalia.core.driver;

import io.physalia.core.Invariants;
import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Effects;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Drives one replica: the rule every host of a replica follows, written once, so the simulator
 * runs what a node runs. Each step of the replica goes through {@link #apply}:
 * <ol>
 *   <li>its records go to {@link Durability} under a new ticket;</li>
 *   <li>the output that claims nothing about those records ({@link Effects#sendNow()},
 *       {@link Effects#repliesNow()}) is released at once, while they sync;</li>
 *   <li>the rest of its messages and replies are held until that ticket (or, for a step that
 *       wrote nothing, the replica's last ticket) is durable, then released in the order the
 *       steps produced them: messages to the {@link Outbox}, each reply to the caller that
 *       asked; then the step's own votes ({@link Effects#ownVotes()}) go back to the replica
 *       ({@link Replica#onOwnVotesDurable}), whose step is applied by this same rule;</li>
 *   <li>its wakeup replaces the one {@link Timers} timer, which is left alone when the time
 *       did not change and cancelled when the replica is idle.</li>
 * </ol>
 * A step that failed an invariant stopped the replica: the driver reports it once, sends none of
 * that step's messages (a stopped replica says nothing more to its peers; losing messages is
 * always safe), and answers every caller still waiting (a write's outcome is unknown, a read
 * is unavailable).
 *
 * <p>Single-threaded: every method runs on the one context that drives this replica.
 */
public final class ReplicaDriver {
    private final Replica replica;
    private final Durability durability;
    private final Outbox outbox;
    private final Timers timers;
    private final Consumer<String> onFailed;
    private final Map<Long, Caller> waiting = new HashMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long appendedTicket;
    private long durableTicket;
    private long wakeupAtMillis = Effects.NEVER;
    private boolean stopped;

    /** Who waits for a reply, and whether its request could change the cell (a write may be proposed). */
    private record Caller(Consumer<Reply> answer, boolean write) {}

    /** Output of one step, waiting for its ticket; then its own votes are counted, and {@code then} runs. */
    private record Held(long ticket, List<Envelope> sends, List<Reply> replies, List<Message.Accepted> ownVotes, Runnable then) {}

    /** {@code onFailed} hears the reason once, when a step of the replica fails an invariant. */
    public ReplicaDriver(Replica replica, Durability durability, Outbox outbox, Timers timers, Consumer<String> onFailed) {
        this.replica = replica;
        this.durability = durability;
        this.outbox = outbox;
        this.timers = timers;
        this.onFailed = onFailed;
    }

    public Replica replica() {
        return replica;
    }

    // ---- inputs -----------------------------------------------------------------------------

    /**
     * Persists a new replica's identity record (before anything else it writes); runs
     * {@code onDurable} once it is durable, unless the driver stops first.
     */
    public void persistIdentity(Runnable onDurable) {
        Invariants.check(appendedTicket == 0, "cell %s: identity persisted after other records", replica.cell());
        if (persist(List.of(replica.identityRecord()))) {
            hold(List.of(), List.of(), List.of(), onDurable, null);
        }
    }

    /** Starts driving (a joining member without state asks for it at once). */
    public void start(Context ctx) {
        if (!stopped) {
            apply(replica.start(ctx), ctx);
        }
    }

    public void onMessage(Envelope envelope, Context ctx) {
        if (!stopped) {
            apply(replica.onMessage(envelope, ctx), ctx);
        }
    }

    /** A client's request; {@code answer} gets its reply, at most once, on this context. */
    public void onClientRequest(ClientRequest request, Consumer<Reply> answer, Context ctx) {
        if (stopped) {
            answer.accept(new Reply.Unavailable(request.requestId(), "cell " + replica.cell() + " is no longer hosted here"));
            return;
        }
        waiting.put(request.requestId(), new Caller(answer, request instanceof ClientRequest.Submit));
        apply(replica.onClientRequest(request, ctx), ctx);
    }

    /** The caller of {@code requestId} stopped waiting (it timed out): its reply is dropped. */
    public void forget(long requestId) {
        waiting.remove(requestId);
    }

    /** The timer fired. */
    public void onWakeup(Context ctx) {
        wakeupAtMillis = Effects.NEVER; // fired: nothing is scheduled any more
        if (!stopped) {
            apply(replica.onWakeup(ctx), ctx);
        }
    }

    /** The node heard from {@code peer} again after it was silent (see {@link Replica#onPeerReturned}). */
    public void onPeerReturned(NodeId peer, Context ctx) {
        if (!stopped) {
            apply(replica.onPeerReturned(peer, ctx), ctx);
        }
    }

    /**
     * Every record persisted under {@code ticket} and before is durable: releases what waited for
     * them. {@code ctx} is the moment it is reported: the replica's step that counts its own
     * votes runs then.
     */
    public void durable(long ticket, Context ctx) {
        Invariants.check(ticket > 0 && ticket <= appendedTicket,
                "cell %s: ticket %d reported durable, but only %d were issued", replica.cell(), ticket, appendedTicket);
        durableTicket = Math.max(durableTicket, ticket);
        while (!stopped && !held.isEmpty() && held.peekFirst().ticket() <= durableTicket) {
            release(held.pollFirst(), ctx);
        }
    }

    /**
     * Stops driving (the replica was dropped or replaced): nothing more is sent, no timer stays,
     * and each caller still waiting is answered: a write's outcome is unknown (it may have been
     * proposed), a read is unavailable.
     */
    public void stop() {
        if (!stopped) {
            answerWaitingUnknown();
            halt();
        }
    }

    /** The node died: nothing more leaves this driver, not even answers. */
    public void halt() {
        stopped = true;
        held.clear();
        waiting.clear();
        if (wakeupAtMillis != Effects.NEVER) {
            timers.cancel();
            wakeupAtMillis = Effects.NEVER;
        }
    }

    // ---- what the driver holds (for metrics and tests) ---------------------------------------

    public boolean isStopped() {
        return stopped;
    }

    public boolean hasTimer() {
        return wakeupAtMillis != Effects.NEVER;
    }

    /** Steps whose output waits for durability. */
    public int heldSteps() {
        return held.size();
    }

    /** Callers waiting for a reply. */
    public int waitingCallers() {
        return waiting.size();
    }

    // ---- the rule ---------------------------------------------------------------------------

    private void apply(Effects fx, Context ctx) {
        String failure = fx.stoppedReason();
        if (failure != null) {
            onFailed.accept(failure);
        }
        if (!fx.persist().isEmpty() && !persist(fx.persist())) {
            return;
        }
        if (failure == null) {
            for (Envelope e : fx.sendNow()) {
                outbox.send(e);
            }
        }
        answer(fx.repliesNow());
        hold(failure == null ? fx.sendAfterPersist() : List.of(), fx.repliesAfterPersist(),
                failure == null ? fx.ownVotes() : List.of(), failure == null ? null : this::answerWaitingUnknown, ctx);
        if (!stopped) {
            reschedule(fx.wakeupAtMillis(), ctx.nowMillis());
        }
    }

    private boolean persist(List<DurableRecord> records) {
        long ticket = appendedTicket + 1;
        if (!durability.persist(records, ticket)) {
            halt(); // never release output whose records were not taken
            return false;
        }
        appendedTicket = ticket;
        return true;
    }

    /** {@code ctx}: the current step's, used if the output can be released at once (null only for the identity). */
    private void hold(List<Envelope> sends, List<Reply> replies, List<Message.Accepted> ownVotes, Runnable then, Context ctx) {
        if (stopped || (sends.isEmpty() && replies.isEmpty() && ownVotes.isEmpty() && then == null)) {
            return;
        }
        Held h = new Held(appendedTicket, sends, replies, ownVotes, then);
        if (held.isEmpty() && durableTicket >= appendedTicket) {
            release(h, ctx);
        } else {
            held.addLast(h); // behind earlier output: release order is step order
        }
    }

    private void release(Held h, Context ctx) {
        for (Envelope e : h.sends()) {
            outbox.send(e);
        }
        answer(h.replies());
        if (h.then() != null) {
            h.then().run();
        }
        if (!h.ownVotes().isEmpty() && !stopped) {
            apply(replica.onOwnVotesDurable(h.ownVotes(), ctx), ctx);
        }
    }

    private void answer(List<Reply> replies) {
        for (Reply r : replies) {
            Caller caller = waiting.remove(r.requestId());
            if (caller != null) {
                caller.answer().accept(r);
            }
        }
    }

    /** A write may have been proposed, so its outcome is unknown; a read was never applied. */
    private void answerWaitingUnknown() {
        List<Map.Entry<Long, Caller>> callers = new ArrayList<>(waiting.entrySet());
        waiting.clear();
        for (var e : callers) {
            long id = e.getKey();
            e.getValue().answer().accept(e.getValue().write()
                    ? new Reply.OutcomeUnknown(id, null)
                    : new Reply.Unavailable(id, "replica of cell " + replica.cell() + " stopped"));
        }
    }

    private void reschedule(long atMillis, long nowMillis) {
        if (atMillis == wakeupAtMillis) {
            return; // the same instant: the timer already set stays
        }
        if (wakeupAtMillis != Effects.NEVER) {
            timers.cancel();
        }
        wakeupAtMillis = atMillis;
        if (atMillis != Effects.NEVER) {
            timers.schedule(Math.max(1, atMillis - nowMillis));
        }
    }
}
