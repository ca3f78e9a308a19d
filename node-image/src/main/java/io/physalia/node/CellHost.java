package io.physalia.node;

import io.physalia.core.cell.Configuration;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Effects;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Drives one cell replica. Every method runs on the cell's shard context (one event loop), so
 * the replica needs no locks. The loop: step the replica, hand its records to the node log,
 * and only when they (and every earlier record of this cell) are durable, send its messages and
 * deliver its replies. One wakeup timer at most, replaced on every step; none when idle.
 */
final class CellHost {
    private static final Logger LOG = Logger.getLogger(CellHost.class.getName());

    final String cell;
    final Shard shard;
    private final Node node;
    private Replica replica;
    private volatile long timerId = -1;
    private final Map<Long, Consumer<Reply>> waiting = new HashMap<>();
    private boolean stopped;
    private CompletableFuture<Void> lastPersist = CompletableFuture.completedFuture(null);
    /** What this replica counts for in the node's {@link ReplicaCensus}: its members, and whether it leads. */
    private Configuration countedConfig;
    private ReplicaCensus.MemberSet countedSet;
    private boolean countedLeading;

    CellHost(String cell, Shard shard, Node node, Replica replica) {
        this.cell = cell;
        this.shard = shard;
        this.node = node;
        this.replica = replica;
        countedConfig = replica.configuration();
        countedSet = ReplicaCensus.MemberSet.of(countedConfig);
        node.census().add(countedSet);
        recount();
    }

    Replica replica() {
        return replica;
    }

    /** Makes the replica's identity durable; the future completes (on any thread) when it is. */
    CompletableFuture<Void> persistIdentity() {
        lastPersist = node.log().append(cell, List.of(replica.identityRecord()));
        return lastPersist;
    }

    /** Starts driving the replica (a joining member asks for its state at once). On the cell's context. */
    void start() {
        apply(replica.start(node.context()));
    }

    void onMessage(Envelope env) {
        apply(replica.onMessage(env, node.context()));
    }

    void onRequest(ClientRequest request, Consumer<Reply> answer) {
        waiting.put(request.requestId(), answer);
        apply(replica.onClientRequest(request, node.context()));
    }

    /** Drops an answer nobody waits for any more (the HTTP layer timed out). */
    void forget(long requestId) {
        waiting.remove(requestId);
    }

    private void apply(Effects fx) {
        if (stopped) {
            return;
        }
        if (fx.stoppedReason() != null) {
            LOG.severe("cell " + cell + " stopped: " + fx.stoppedReason());
            node.metrics().cellsStopped.inc();
        }
        List<Envelope> sends = fx.send();
        List<Reply> replies = fx.replies();
        if (!fx.persist().isEmpty()) {
            lastPersist = node.log().append(cell, fx.persist());
            releaseWhenDurable(lastPersist, sends, replies);
        } else if (!lastPersist.isDone()) {
            releaseWhenDurable(lastPersist, sends, replies); // earlier records this output may depend on
        } else {
            release(sends, replies);
        }
        scheduleWakeup(fx.wakeupAtMillis());
        recount();
    }

    /** Brings the census in line with the replica after a step: leadership, and members if they changed. */
    private void recount() {
        ReplicaCensus census = node.census();
        boolean leads = replica.isLeader();
        if (leads != countedLeading) {
            countedLeading = leads;
            census.leading(leads);
        }
        Configuration c = replica.configuration();
        if (c != countedConfig && !c.equals(countedConfig)) {
            ReplicaCensus.MemberSet set = ReplicaCensus.MemberSet.of(c);
            census.add(set);
            census.remove(countedSet);
            countedSet = set;
        }
        countedConfig = c;
    }

    private void releaseWhenDurable(CompletableFuture<Void> durable, List<Envelope> sends, List<Reply> replies) {
        if (sends.isEmpty() && replies.isEmpty()) {
            return;
        }
        durable.whenComplete((v, err) -> shard.context.runOnContext(x -> {
            if (err != null) {
                node.storageFailed(err); // never release output whose records may not be durable
            } else {
                release(sends, replies);
            }
        }));
    }

    private void release(List<Envelope> sends, List<Reply> replies) {
        for (Envelope e : sends) {
            node.metrics().sent(e);
            node.transport().send(e);
        }
        for (Reply r : replies) {
            Consumer<Reply> answer = waiting.remove(r.requestId());
            if (answer != null) {
                answer.accept(r);
            }
        }
    }

    private void scheduleWakeup(long atMillis) {
        if (timerId >= 0) {
            node.vertx().cancelTimer(timerId);
            timerId = -1;
        }
        if (atMillis == Effects.NEVER) {
            return;
        }
        long delay = Math.max(1, atMillis - Node.nowMillis());
        timerId = node.vertx().setTimer(delay, id -> {
            timerId = -1;
            if (stopped) {
                return;
            }
            apply(replica.onWakeup(node.context()));
        });
    }

    /** Stops driving the replica (it was dropped or replaced): no timer, and no answers will come. */
    void stop() {
        if (!stopped) {
            node.census().remove(countedSet);
            if (countedLeading) {
                countedLeading = false;
                node.census().leading(false);
            }
        }
        stopped = true;
        if (timerId >= 0) {
            node.vertx().cancelTimer(timerId);
            timerId = -1;
        }
        waiting.clear();
    }

    boolean hasTimer() {
        return timerId >= 0;
    }
}
