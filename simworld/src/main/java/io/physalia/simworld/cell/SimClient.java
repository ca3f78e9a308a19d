package io.physalia.simworld.cell;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.SimClock;
import io.physalia.simworld.SimRandom;
import io.physalia.simworld.Timer;
import io.physalia.simworld.net.Delivery;
import io.physalia.simworld.net.SimNetwork;
import java.util.List;
import java.util.function.Consumer;

/**
 * A simulated client of one cell, with the retry discipline of the real client: follow
 * redirects, retry an unknown outcome with the same seq (the cell applies it at most once),
 * back off exponentially with full jitter, give up at a deadline and report "unknown".
 */
public final class SimClient {
    static final long ATTEMPT_TIMEOUT_MILLIS = 300;
    static final long OP_DEADLINE_MILLIS = 6_000;

    private final String name;
    private final String cell;
    private final SimNetwork<Packet> network;
    private final SimClock clock;
    private final SimRandom random;
    private final java.util.function.Supplier<List<String>> nodes; // the cell's current hosts
    private final long idBase;
    private long nextRequestId;
    private long seq;
    private String target;
    private Attempt current;

    /** One operation in progress: its request and what to do with the answer. */
    private final class Attempt {
        final Object request; // Command for submits, ClientRequest.Read for reads
        final Consumer<Object> done; // CommandResult / TxnResult, or null when the outcome is unknown
        final long deadlineLocal;
        final long firstSentLocal;
        long requestId;
        int tries;
        int redirects;
        Timer timer;

        Attempt(Object request, Consumer<Object> done) {
            this.request = request;
            this.done = done;
            this.firstSentLocal = clock.monotonicMillis();
            this.deadlineLocal = firstSentLocal + OP_DEADLINE_MILLIS;
        }
    }

    SimClient(String name, int index, String cell, SimNetwork<Packet> network, SimClock clock, SimRandom random,
              java.util.function.Supplier<List<String>> nodes) {
        this.name = name;
        this.cell = cell;
        this.network = network;
        this.clock = clock;
        this.random = random;
        this.nodes = nodes;
        this.idBase = (long) (index + 1) << 40;
        List<String> now = nodes.get();
        this.target = now.get(random.nextInt(now.size()));
        network.register(name, this::onPacket);
    }

    public String name() {
        return name;
    }

    public SimClock clock() {
        return clock;
    }

    public boolean busy() {
        return current != null;
    }

    private long lastStartLocal = -1;

    /** Local clock reading when the last finished operation was first sent (leases count from it). */
    long lastStartLocal() {
        return lastStartLocal;
    }

    /** Sends a command through the log; {@code done} gets the CommandResult, or null if unknown. */
    public void submit(java.util.function.LongFunction<Command> commandForSeq, Consumer<CommandResult> done) {
        Command c = commandForSeq.apply(++seq);
        start(c, r -> done.accept((CommandResult) r));
    }

    public String clientId() {
        return name;
    }

    /** A linearizable or eventual read; {@code done} gets the Reply.ReadResult, or null. */
    public void read(io.physalia.core.kv.Transaction txn, ClientRequest.ReadMode mode, Consumer<Reply.ReadResult> done) {
        start(new ClientRequest.Read(0, txn, mode, 0), r -> done.accept((Reply.ReadResult) r));
    }

    private void start(Object request, Consumer<Object> done) {
        if (current != null) {
            throw new IllegalStateException(name + " already has an operation in progress");
        }
        current = new Attempt(request, done);
        send();
    }

    private void send() {
        Attempt a = current;
        a.requestId = idBase + ++nextRequestId;
        a.tries++;
        ClientRequest req = a.request instanceof Command c ? new ClientRequest.Submit(a.requestId, c)
                : withId((ClientRequest.Read) a.request, a.requestId);
        network.send(name, target, new Packet.Request(cell, req));
        a.timer = clock.afterLocal(ATTEMPT_TIMEOUT_MILLIS, () -> {
            if (current == a) {
                target = otherNode();
                retryAfter(0);
            }
        });
    }

    private static ClientRequest.Read withId(ClientRequest.Read r, long id) {
        return new ClientRequest.Read(id, r.txn(), r.mode(), r.minSlot());
    }

    private void onPacket(Delivery<Packet> d) {
        if (!(d.message() instanceof Packet.Response resp) || current == null
                || resp.reply().requestId() != current.requestId) {
            return; // an answer to an attempt we gave up on
        }
        Attempt a = current;
        a.timer.cancel();
        switch (resp.reply()) {
            case Reply.Applied ap -> finish(ap.result());
            case Reply.ReadResult rr -> finish(rr);
            case Reply.Redirect r -> {
                // Follow the pointer, but not around a cycle of stale pointers: after a few
                // redirects in a row, start again from a node the discovery cache lists.
                a.redirects++;
                target = r.leaderHint() != null && a.redirects % 4 != 0 ? r.leaderHint().name() : otherNode();
                retryAfter(a.redirects % 4 == 0 ? backoff(a) : 1);
            }
            case Reply.OutcomeUnknown u -> {
                target = u.leaderHint() != null && !u.leaderHint().name().equals(d.from()) ? u.leaderHint().name()
                        : otherNode();
                retryAfter(backoff(a));
            }
            case Reply.Overloaded o -> retryAfter(Math.max(o.retryAfterMillis(), backoff(a)));
            case Reply.Unavailable u -> {
                target = otherNode();
                retryAfter(backoff(a));
            }
            case Reply.Rejected r -> throw new IllegalStateException(name + ": a valid request was rejected: " + r);
        }
    }

    /** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^tries)]. */
    private long backoff(Attempt a) {
        long ceiling = Math.min(400, 5L << Math.min(a.tries, 6));
        return random.nextLong(ceiling + 1);
    }

    private void retryAfter(long delayMillis) {
        Attempt a = current;
        if (clock.monotonicMillis() + delayMillis >= a.deadlineLocal) {
            current = null;
            lastStartLocal = a.firstSentLocal;
            a.done.accept(null); // unknown: it may still apply
            return;
        }
        a.timer = clock.afterLocal(delayMillis, () -> {
            if (current == a) {
                send();
            }
        });
    }

    private void finish(Object result) {
        Attempt a = current;
        current = null;
        lastStartLocal = a.firstSentLocal;
        a.done.accept(result);
    }

    private String otherNode() {
        List<String> now = nodes.get();
        if (now.size() == 1) {
            return now.get(0);
        }
        String n;
        do {
            n = now.get(random.nextInt(now.size()));
        } while (n.equals(target));
        return n;
    }
}
