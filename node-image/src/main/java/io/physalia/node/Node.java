package io.physalia.node;

import io.physalia.client.admin.ReplicaStatus;
import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.ReplicaObserver;
import io.physalia.core.paxos.Reply;
import io.physalia.node.storage.NodeLog;
import io.physalia.node.storage.NodeStorage;
import io.physalia.node.storage.Recovered;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One node process: hosts many cell replicas on a few event-loop contexts (shards), one node
 * storage (a log with group commit, folded into MapDB checkpoints), peer TCP and the HTTP API.
 */
public final class Node implements AutoCloseable {
    /** How often a node pings each peer (liveness), for those who measure what that costs. */
    public static final long PEER_PING_EVERY_MILLIS = PeerTransport.PING_EVERY_MILLIS;

    private static final Logger LOG = Logger.getLogger(Node.class.getName());
    private final NodeConfig config;
    private final KeyFile keys;
    private final Vertx vertx;
    private final NodeRuntime runtime;

    private final NodeStorage storage;
    private final NodeLog log;
    private final Shard[] shards;
    private final Metrics metrics;
    private final ReplicaConfig replicaConfig;
    private final Map<String, CellHost> cells = new ConcurrentHashMap<>();
    private final ReplicaCensus census = new ReplicaCensus();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final AtomicLong requestIds = new AtomicLong();
    private final ReplicaObserver observer;
    private final Discovery discovery;
    private final PeerDirectory peers;
    private PeerTransport transport;
    private HttpServer http;
    /** The admin routes' own server, when {@link NodeConfig#separateAdminPort()}; else null. */
    private HttpServer admin;
    private volatile boolean ready;

    /** The node's monotonic clock, in milliseconds. */
    long nowMillis() {
        return runtime.monotonicMillis().getAsLong();
    }

    private Node(NodeConfig config, KeyFile keys, NodeStorage storage, NodeRuntime runtime) {
        this.config = config;
        this.keys = keys;
        this.storage = storage;
        this.log = storage.log();
        this.runtime = runtime;
        this.vertx = runtime.vertx();
        this.replicaConfig = runtime.replicaConfig();
        this.peers = new PeerDirectory(config);
        int n = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
        this.shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard(vertx.getOrCreateContext()); // a fresh event-loop context each
        }
        this.metrics = new Metrics(this);
        this.discovery = new Discovery(this);
        this.observer = new ReplicaObserver() {
            @Override
            public void chosen(String cell, Member self, long slot, Batch value) {
                metrics.slotsChosen.inc();
                discovery.chosen(cell, value);
            }

            @Override
            public void proposed(String cell, Member self, long slot, Batch value, int slotsInFlight, int window) {
                metrics.proposed(value, slotsInFlight, window);
            }
        };
    }

    /** Opens storage, recovers every cell and starts listening; returns once both ports are open. */
    public static Node start(NodeConfig config) throws Exception {
        return start(config, NodeRuntime.production(config.lease().applyTo(ReplicaConfig.DEFAULT)));
    }

    /**
     * {@link #start(NodeConfig)} with the node's clock, randomness, Vert.x and replica settings
     * given ({@code runtime}'s replica settings win over {@code config}'s lease).
     */
    public static Node start(NodeConfig config, NodeRuntime runtime) throws Exception {
        KeyFile keys;
        NodeStorage storage;
        try {
            keys = KeyFile.load(config.keyFile());
            storage = NodeStorage.open(config.dataDir(), config.storage(), runtime.replicaConfig());
        } catch (Exception e) {
            runtime.vertx().close();
            throw e;
        }
        Node node = new Node(config, keys, storage, runtime);
        try {
            node.recover(storage.recovered());
            storage.releaseRecords();
            node.listen();
        } catch (Exception e) {
            node.close();
            throw e;
        }
        return node;
    }

    private void recover(Recovered rec) {
        if (rec.refuseAll()) {
            LOG.severe("node log " + log.dir() + " is damaged before its end where the cell cannot be told; refusing every cell");
            refused.addAll(rec.cells().keySet());
            refused.addAll(rec.refusedCells().keySet());
            return;
        }
        refused.addAll(rec.refusedCells().keySet());
        rec.refusedCells().forEach((c, why) -> LOG.severe("cell " + c + ": " + why + "; refusing to serve it"));
        // Replicas are independent and Replica.recover is pure: rebuild them on every core (restart time).
        rec.cells().entrySet().parallelStream().forEach(this::recoverOne);
    }

    private void recoverOne(Map.Entry<String, List<DurableRecord>> e) {
        try {
            if (!(e.getValue().get(0) instanceof DurableRecord.Identity id) || !id.self().node().name().equals(config.name())) {
                throw new IllegalStateException("records do not belong to node " + config.name());
            }
            Replica r = Replica.recover(replicaConfig, e.getValue(), observer, context());
            cells.put(e.getKey(), new CellHost(e.getKey(), shardFor(e.getKey()), this, r));
        } catch (RuntimeException ex) {
            LOG.severe("cell " + e.getKey() + ": cannot recover (" + ex.getMessage() + "); refusing to serve it");
            refused.add(e.getKey());
        }
    }

    private void listen() throws Exception {
        String advertisedHttp = config.bindHost() + ":" + config.httpPort();
        transport = new PeerTransport(vertx, runtime.monotonicMillis(), config, peers, keys, advertisedHttp, this::deliver,
                this::peerReturned);
        transport.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpApi api = new HttpApi(this);
        boolean apart = config.separateAdminPort();
        http = api.server(true, !apart);
        http.listen(config.httpPort(), config.bindHost()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (apart) {
            admin = api.server(false, true);
            admin.listen(config.adminPort(), config.bindHost()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (CellHost h : cells.values()) {
            h.shard.context.runOnContext(v -> h.start()); // a recovered member still without state asks for it
        }
        discovery.start();
        ready = true;
    }

    private void deliver(Envelope env) {
        CellHost h = cells.get(env.cell());
        if (h != null) {
            h.shard.context.runOnContext(v -> h.onMessage(env));
        }
    }

    /**
     * {@code peer}'s pings came back after a silence: every replica hears it on its own shard
     * (one task per shard, not per cell), and the leaders of cells it is a member of tell it
     * their chosen prefix (an idle cell would otherwise leave it behind).
     */
    private void peerReturned(String peer) {
        NodeId id = new NodeId(peer);
        Map<Shard, List<CellHost>> byShard = new java.util.IdentityHashMap<>();
        for (CellHost h : cells.values()) {
            byShard.computeIfAbsent(h.shard, s -> new java.util.ArrayList<>()).add(h);
        }
        byShard.forEach((s, hosts) -> s.context.runOnContext(v -> hosts.forEach(h -> h.onPeerReturned(id))));
    }

    /**
     * Where another node serves its admin routes: its advertised HTTP host with the colony's admin
     * port when admin routes have their own port (every node of such a colony uses the same one,
     * {@link NodeConfig#adminPort()}), else its HTTP address; null if it has not been heard from.
     */
    String adminAddress(String peer) {
        String http = transport == null ? null : transport.httpAddress(peer);
        if (http == null || !config.separateAdminPort()) {
            return http;
        }
        return http.substring(0, http.lastIndexOf(':')) + ":" + config.adminPort();
    }

    Shard shardFor(String cell) {
        return shards[Math.floorMod(cell.hashCode(), shards.length)];
    }

    Context context() {
        long now = nowMillis();
        return new Context(now, runtime.random().get(), peer -> transport != null && transport.alive(peer.name(), now));
    }

    // ---- hosting and requests ----------------------------------------------------------------

    enum HostResult { CREATED, EXISTS }

    /** Hosts {@code cell} as a founding member of {@code members}; completes once its identity is durable. */
    Future<HostResult> host(String cell, Configuration members) {
        Promise<HostResult> p = Promise.promise();
        Shard s = shardFor(cell);
        s.context.runOnContext(v -> {
            if (refused.contains(cell)) {
                p.fail("cell " + cell + " is refused on " + config.name() + ": its durable records are damaged");
                return;
            }
            CellHost existing = cells.get(cell);
            Member self = Member.founding(config.name());
            if (existing != null) {
                Set<String> have = nodes(existing.replica().configuration());
                if (have.equals(nodes(members))) {
                    discovery.hosted(cell);
                    p.complete(HostResult.EXISTS);
                } else {
                    p.fail("cell " + cell + " already exists with members " + have);
                }
                return;
            }
            if (!members.contains(self)) {
                p.fail("node " + config.name() + " is not among the members " + nodes(members));
                return;
            }
            CellHost h = new CellHost(cell, s, this, Replica.create(replicaConfig, cell, self, members, observer));
            cells.put(cell, h);
            h.persistIdentity(() -> { // a failed write stops the node (storageFailed) and never gets here
                discovery.hosted(cell);
                p.complete(HostResult.CREATED);
            });
        });
        return p.future();
    }

    /**
     * Hosts {@code self}, a member added by a membership change, of {@code cell}; it knows only
     * the configuration it joins and learns the cell's state by snapshot. A replica of an older
     * incarnation hosted here is replaced; the same member is {@code EXISTS}. A cell refused here
     * (damaged records) is not joined until it is dropped: the damage may be this very member's.
     */
    Future<HostResult> join(String cell, Member self, Configuration joined) {
        Promise<HostResult> p = Promise.promise();
        Shard s = shardFor(cell);
        s.context.runOnContext(v -> {
            if (!self.node().name().equals(config.name()) || !joined.contains(self)) {
                p.fail("member " + self + " is not this node's member of the configuration " + joined.members());
                return;
            }
            if (refused.contains(cell)) {
                // The damaged records may be those of this very member: hosting it afresh would let it
                // promise and accept again from nothing. Only an explicit drop says the old member is gone.
                p.fail("cell " + cell + " is refused on " + config.name() + ": its durable records are damaged, so this node"
                        + " cannot tell what it promised as which member; remove its member from the cell, drop the cell"
                        + " here (DELETE /admin/cells/" + cell + "), then add this node again as a new member");
                return;
            }
            CellHost existing = cells.get(cell);
            if (existing != null) {
                long have = existing.replica().member().incarnation();
                if (have == self.incarnation()) {
                    discovery.hosted(cell);
                    p.complete(HostResult.EXISTS);
                    return;
                }
                if (have > self.incarnation()) {
                    p.fail("cell " + cell + " is hosted here as a newer incarnation " + have);
                    return;
                }
                existing.stop();
            }
            CellHost h = new CellHost(cell, s, this, Replica.create(replicaConfig, cell, self, joined, observer));
            cells.put(cell, h);
            h.persistIdentity(() -> {
                discovery.hosted(cell);
                p.complete(HostResult.CREATED);
            });
            h.start(); // asks a member for a snapshot; its output waits for the identity record
        });
        return p.future();
    }

    /**
     * Stops hosting {@code cell} and makes that durable (a restart does not host it again; the
     * next checkpoint removes its state). Completes once durable; false if it was neither hosted
     * nor refused. Dropping a refused cell ends its refusal: its damaged records are dead.
     */
    Future<Boolean> drop(String cell) {
        Promise<Boolean> p = Promise.promise();
        Shard s = shardFor(cell);
        s.context.runOnContext(v -> {
            CellHost h = cells.remove(cell);
            boolean wasRefused = refused.contains(cell);
            if (h == null && !wasRefused) {
                p.complete(false);
                return;
            }
            if (h != null) {
                h.stop();
                discovery.dropped(cell, h.replica()); // leaves a forwarding pointer
            }
            log.appendDrop(cell).whenComplete((x, err) -> s.context.runOnContext(y -> {
                if (err != null) {
                    storageFailed(err);
                    p.fail("storage failed: " + err);
                } else {
                    refused.remove(cell); // the drop is durable: the damaged records are dead, at the next start too
                    p.complete(true);
                }
            }));
        });
        return p.future();
    }

    /** The replica's member, applied prefix, leadership and configuration, read on its context; null if not hosted. */
    Future<ReplicaStatus> replicaStatus(String cell) {
        CellHost h = cells.get(cell);
        if (h == null) {
            return Future.succeededFuture(null);
        }
        Promise<ReplicaStatus> p = Promise.promise();
        h.shard.context.runOnContext(v -> {
            Replica r = h.replica();
            p.complete(new ReplicaStatus(cell, config.name(), r.member(), r.appliedUpTo(), r.isLeader(),
                    r.leaderHint() == null ? null : r.leaderHint().name(), r.state().latestEpoch().fromSlot(),
                    r.configuration().members(), r.stoppedReason()));
        });
        return p.future();
    }

    /**
     * Runs {@code f} on the replica of {@code cell}, on the cell's context; completes with its
     * result, or with null if the cell is not hosted here.
     */
    <T> Future<T> inspect(String cell, java.util.function.Function<Replica, T> f) {
        Promise<T> p = Promise.promise();
        CellHost h = cells.get(cell);
        if (h == null) {
            p.complete(null);
            return p.future();
        }
        h.shard.context.runOnContext(v -> {
            try {
                p.complete(cells.get(cell) == h ? f.apply(h.replica()) : null);
            } catch (RuntimeException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    static Set<String> nodes(Configuration c) {
        Set<String> s = new TreeSet<>();
        c.members().forEach(m -> s.add(m.node().name()));
        return s;
    }

    /**
     * Hands {@code request} to the cell's replica; {@code answer} runs on the cell's context.
     * Returns false if the cell is not hosted here.
     */
    boolean request(String cell, ClientRequest request, Consumer<Reply> answer) {
        CellHost h = cells.get(cell);
        if (h == null) {
            return false;
        }
        h.shard.context.runOnContext(v -> h.onRequest(request, answer));
        return true;
    }

    void forget(String cell, long requestId) {
        CellHost h = cells.get(cell);
        if (h != null) {
            h.shard.context.runOnContext(v -> h.forget(requestId));
        }
    }

    long nextRequestId() {
        return requestIds.incrementAndGet();
    }

    /** A write or sync failed: the log's state is unknown, so the node stops rather than risk lying. */
    void storageFailed(Throwable err) {
        LOG.severe("node log write or sync failed (" + err + "); stopping the node");
        ready = false;
        Runtime.getRuntime().halt(70);
    }

    // ---- accessors ---------------------------------------------------------------------------

    public NodeConfig config() {
        return config;
    }

    KeyFile keys() {
        return keys;
    }

    Vertx vertx() {
        return vertx;
    }

    NodeLog log() {
        return log;
    }

    NodeStorage storage() {
        return storage;
    }

    PeerTransport transport() {
        return transport;
    }

    /** The nodes this node knows as peers now (the control plane replaces them at runtime). */
    PeerDirectory peers() {
        return peers;
    }

    /** Whether {@code name} is this node or one of its directory's peers. */
    boolean knows(String name) {
        return name.equals(config.name()) || peers.contains(name);
    }

    Metrics metrics() {
        return metrics;
    }

    Discovery discovery() {
        return discovery;
    }

    boolean isReady() {
        return ready && log.failure() == null;
    }

    boolean isRefused(String cell) {
        return refused.contains(cell);
    }

    boolean hosts(String cell) {
        return cells.containsKey(cell);
    }

    int cellCount() {
        return cells.size();
    }

    /** The hosted replicas counted by leadership and member set (for the metrics). */
    ReplicaCensus census() {
        return census;
    }

    /**
     * Hosted replicas whose cell has fewer members alive than a quorum, by this node's pings (itself
     * counted alive): a cell that cannot choose anything as far as this node can tell.
     */
    int cellsWithoutQuorum() {
        PeerTransport t = transport;
        long now = nowMillis();
        return census.withoutQuorum(n -> n.equals(config.name()) || (t != null && t.alive(n, now)));
    }

    /** Replicas with a wakeup timer pending (read without the shards' ordering: a metric, not a decision). */
    int pendingWakeups() {
        int n = 0;
        for (CellHost h : cells.values()) {
            if (h.hasTimer()) {
                n++;
            }
        }
        return n;
    }

    List<String> hostedCells() {
        return new java.util.ArrayList<>(new TreeSet<>(cells.keySet()));
    }

    List<String> refusedCells() {
        return new java.util.ArrayList<>(new TreeSet<>(refused));
    }

    int refusedCount() {
        return refused.size();
    }

    @Override
    public void close() {
        ready = false;
        discovery.stop();
        if (transport != null) {
            transport.stop();
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warning("vert.x did not close cleanly: " + e);
        }
        try {
            storage.close();
        } catch (IOException e) {
            LOG.warning("node storage did not close cleanly: " + e);
        }
    }
}
