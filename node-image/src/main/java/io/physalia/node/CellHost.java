package io.physalia.node;

import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.NodeId;
import io.physalia.core.driver.Durability;
import io.physalia.core.driver.Outbox;
import io.physalia.core.driver.ReplicaDriver;
import io.physalia.core.driver.Timers;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.Reply;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Hosts one cell replica on this node: its {@link ReplicaDriver} (the rule SimWorld runs too)
 * with the node's log, peer transport and Vert.x timers as ports, and the replica's share of
 * the node's {@link ReplicaCensus}. Every method runs on the cell's shard context (one event
 * loop), so the replica needs no locks.
 */
final class CellHost implements Durability, Outbox, Timers {
    private static final Logger LOG = Logger.getLogger(CellHost.class.getName());
    private static final long NO_TIMER = -1;

    final String cell;
    final Shard shard;
    private final Node node;
    private final ReplicaDriver driver;
    private volatile long timerId = NO_TIMER; // volatile: the wakeup metric reads it off the shard
    /** What this replica counts for in the node's {@link ReplicaCensus}: its members, and whether it leads. */
    private Configuration countedConfig;
    private ReplicaCensus.MemberSet countedSet;
    private boolean countedLeading;
    private boolean stopped;

    CellHost(String cell, Shard shard, Node node, Replica replica) {
        this.cell = cell;
        this.shard = shard;
        this.node = node;
        this.driver = new ReplicaDriver(replica, this, this, this, this::failed);
        countedConfig = replica.configuration();
        countedSet = ReplicaCensus.MemberSet.of(countedConfig);
        node.census().add(countedSet);
        recount();
    }

    Replica replica() {
        return driver.replica();
    }

    /** Makes a new replica's identity durable, then runs {@code onDurable} on the cell's context. */
    void persistIdentity(Runnable onDurable) {
        driver.persistIdentity(onDurable);
    }

    /** Starts driving the replica (a joining member asks for its state at once). */
    void start() {
        driver.start(node.context());
        recount();
    }

    void onMessage(Envelope env) {
        driver.onMessage(env, node.context());
        recount();
    }

    void onRequest(ClientRequest request, Consumer<Reply> answer) {
        driver.onClientRequest(request, answer, node.context());
        recount();
    }

    /** The node heard from {@code peer} again after a silence. */
    void onPeerReturned(NodeId peer) {
        driver.onPeerReturned(peer, node.context());
        recount();
    }

    /** Drops an answer nobody waits for any more (the HTTP layer timed out). */
    void forget(long requestId) {
        driver.forget(requestId);
    }

    /**
     * Stops driving the replica (it was dropped or replaced): no timer, nothing more sent, and
     * callers still waiting are answered now.
     */
    void stop() {
        if (!stopped) {
            stopped = true;
            node.census().remove(countedSet);
            if (countedLeading) {
                countedLeading = false;
                node.census().leading(false);
            }
        }
        driver.stop();
    }

    boolean hasTimer() {
        return timerId != NO_TIMER;
    }

    private void failed(String reason) {
        LOG.severe("cell " + cell + " stopped: " + reason);
        node.metrics().cellsStopped.inc();
    }

    /** Brings the census in line with the replica after a step: leadership, and members if they changed. */
    private void recount() {
        if (stopped) {
            return;
        }
        Replica replica = driver.replica();
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

    // ---- the driver's ports -----------------------------------------------------------------

    @Override
    public boolean persist(List<DurableRecord> records, long ticket) {
        node.log().append(cell, records).whenComplete((v, err) -> shard.context.runOnContext(x -> {
            if (err != null) {
                node.storageFailed(err); // never release output whose records may not be durable
            } else {
                driver.durable(ticket, node.context());
            }
        }));
        return true;
    }

    @Override
    public void send(Envelope e) {
        node.metrics().sent(e);
        node.transport().send(e);
    }

    @Override
    public void schedule(long delayMillis) {
        timerId = node.vertx().setTimer(delayMillis, id -> {
            timerId = NO_TIMER;
            driver.onWakeup(node.context());
            recount();
        });
    }

    @Override
    public void cancel() {
        if (timerId != NO_TIMER) {
            node.vertx().cancelTimer(timerId);
            timerId = NO_TIMER;
        }
    }
}
