package io.physalia.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.physalia.client.admin.NodeAdmin;
import io.physalia.controlplane.Action;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.EngineState;
import io.physalia.controlplane.EngineStatus;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.RateLimits;
import io.physalia.controlplane.StaleReplicas;
import io.physalia.controlplane.runtime.MembershipDriver;
import io.physalia.controlplane.runtime.WorkerPool;
import io.physalia.crds.ActionRecord;
import io.physalia.crds.Cell;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonySpec;
import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.TopologyException;
import io.physalia.topology.TopologyLabels;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The control plane of one Colony inside the operator: the {@code controlplane} engine on a fleet
 * made of the colony's node pods (each placed where its Kubernetes Node's zone, row, rack and
 * power labels say: pods cannot see those labels, so the operator reads them), the nodes' health
 * as the operator's own checks see it, and the peers each node must know.
 *
 * <p>The engine is the single writer of placement. Reconcilers call in (place a cell, take an
 * action's step, forget a deleted cell); the runtime's loop notices new pods, checks health once
 * a second, ticks the engine and pushes peer directories, and nudges the Cells whose actions it
 * issued so their reconciler takes the steps. The engine and what it knows are guarded by the
 * engine's monitor, held only for in-memory work, never across a call to a node or the API server.
 *
 * <p>Durability: the engine's model lives in memory; what a restarted operator needs is in the
 * Cells' status (members, the action in flight), written by the Cell reconciler before it acts on
 * the nodes. At start the runtime waits until the node pods those statuses name are known, then
 * takes the whole state back at once ({@link ControlPlane#restore}) before placing anything.
 */
public final class ColonyRuntime implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ColonyRuntime.class.getName());
    /** Failed checks in a row (one a second) before a node counts as unhealthy. */
    static final int HEALTH_FAILURES = 3;
    /** More than this share of a color unhealthy at once means the health source is suspect. */
    static final double MAX_UNHEALTHY_SHARE = 0.34;
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    /** Peer directories are pushed again this often even when unchanged: a restarted node forgets its own. */
    static final long PEERS_REFRESH_MILLIS = 10_000;
    /** How long a node pod deleted through the API (evicted, drained) may take to come back before its cells are repaired. */
    static final long DELETED_POD_GRACE_MILLIS = 60_000;
    private static final int FINISHED_KEPT = 20;
    /** Threads that call the colony's nodes. */
    static final int WORKER_THREADS = 8;
    /** Calls waiting for a thread (a few per node each tick), past which the caller makes the call itself. */
    static final int WORKER_QUEUE_LIMIT = 1024;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final Consumer<String> nudgeCell;
    private final ControlPlane engine;
    private final int capacityPerNode;
    private final NodeAdmin admin;
    private final MembershipDriver driver;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<io.fabric8.kubernetes.api.model.Node> kubeNodes;
    private final ScheduledExecutorService loop;
    private final ExecutorService workers;
    /** Pod name to pod IP, for every node pod with an IP. */
    private final Map<String, String> addresses = new ConcurrentHashMap<>();
    /** Where each node pod serves its admin API, from its own args (a pod from before --admin-port serves it on its HTTP port). */
    private final Map<String, String> adminAddresses = new ConcurrentHashMap<>();
    private final HealthDebounce health = new HealthDebounce(HEALTH_FAILURES, MAX_UNHEALTHY_SHARE);
    private final Map<String, Map<String, NodeAdmin.Peer>> pushedPeers = new ConcurrentHashMap<>();
    private final Map<String, Long> pushedAtMillis = new ConcurrentHashMap<>();
    /** Health checks passed in a row, per node (the raw checks, before any debouncing). */
    private final Map<String, Integer> passedInRow = new ConcurrentHashMap<>();
    /** Nodes restarted on purpose (a rollout), until when their failed checks are not reported to the engine. */
    private final Map<String, Long> restartingUntil = new ConcurrentHashMap<>();
    // guarded by engine
    private final Map<String, String> colorOf = new HashMap<>();
    private final Set<String> movedWarned = new TreeSet<>();
    private final Deque<ActionRecord> finished = new ArrayDeque<>();
    private final Map<String, String> cellPhases = new HashMap<>();
    private final Map<String, String> cellColors = new HashMap<>();
    /** The leader each Cell's status shows, as its reconciler last wrote it. */
    private final Map<String, String> cellLeaders = new HashMap<>();
    /** When a pod of each color last went away or came (a disruption budget opened before that is stale). */
    private final Map<String, Long> podChangedAtMillis = new ConcurrentHashMap<>();
    /** Actions by color, kind and result (issued, caught_up, aborted), for the operator's metrics. */
    private final Map<List<String>, Long> actionCounts = new ConcurrentHashMap<>();
    private volatile io.physalia.crds.RolloutStatus rollout;
    private volatile ColonySpec spec;
    private volatile boolean restored;
    private volatile String waitingFor = "the node pods to be scheduled";
    private volatile String restoreProblem;

    ColonyRuntime(KubernetesClient client, Colony colony, KeyringSource keys, Consumer<String> nudgeCell) {
        this.client = client;
        this.namespace = colony.getMetadata().getNamespace();
        this.name = colony.getMetadata().getName();
        this.nudgeCell = nudgeCell;
        this.spec = colony.getSpec();
        this.capacityPerNode = spec.getCellDefaults().getCapacityPerNode();
        var rl = spec.getRateLimits();
        this.engine = new ControlPlane(new Fleet(), new RateLimits.Config(rl.getGlobalBurst(), rl.getGlobalRefillMillis(),
                rl.getColorBurst(), rl.getColorRefillMillis()), PlacementPolicy.DEFAULT, new SplittableRandom(name.hashCode()));
        this.admin = new NodeAdmin(keys::adminToken, n -> {
            return adminAddresses.get(n);
        });
        this.driver = new MembershipDriver(admin);
        this.pods = client.pods().inNamespace(namespace).withLabel(Names.COLONY_LABEL, name).inform();
        this.kubeNodes = client.nodes().inform();
        pods.addEventHandler(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod p) {
                podChanged(p, false);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                if (before.getMetadata().getDeletionTimestamp() == null && after.getMetadata().getDeletionTimestamp() != null) {
                    podChanged(after, true);
                }
            }

            @Override
            public void onDelete(Pod p, boolean unknownFinalState) {
                podChanged(p, true);
            }
        });
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> WorkerPool.daemon(r, "colony-" + name));
        this.workers = WorkerPool.bounded("colony-" + name + "-io", WORKER_THREADS, WORKER_QUEUE_LIMIT);
        loop.scheduleWithFixedDelay(this::safely, 200, 500, TimeUnit.MILLISECONDS);
    }

    /** Where the runtime reads the admin token: the colony's keyring Secret, read again after a rotation. */
    interface KeyringSource {
        String adminToken();
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    public NodeAdmin admin() {
        return admin;
    }

    /** The Colony's spec changed: pause or resume (the rest of the spec is read when used). */
    void applySpec(Colony colony, boolean paused, String reason) {
        this.spec = colony.getSpec();
        synchronized (engine) {
            if (paused && (!engine.paused() || !engine.status().pauseReason().equals(reason))) {
                engine.pause(reason, System.currentTimeMillis());
            } else if (!paused && engine.paused()) {
                engine.resume();
            }
        }
    }

    ColonySpec spec() {
        return spec;
    }

    public boolean paused() {
        synchronized (engine) {
            return engine.paused();
        }
    }

    /** Whether the engine has taken back the cells' state and may place, repair and move. */
    public boolean ready() {
        return restored;
    }

    /** What the runtime waits for before it is ready. */
    public String waitingFor() {
        return restoreProblem != null ? restoreProblem : waitingFor;
    }

    // ---- the loop ------------------------------------------------------------------------------

    private long lastHealthMillis;
    private long lastPeersMillis;
    private long lastSweepMillis;
    /** How often every healthy node is asked for all its replicas (stale ones, new leaders). */
    static final long SWEEP_EVERY_MILLIS = 10_000;

    private void safely() {
        try {
            syncFleet();
            if (!restored) {
                tryRestore();
                return;
            }
            long now = System.currentTimeMillis();
            if (now - lastHealthMillis >= 1000) {
                lastHealthMillis = now;
                checkHealth();
            }
            List<Action> issued;
            synchronized (engine) {
                issued = engine.tick(now);
            }
            for (Action a : issued) {
                countAction(a, "issued");
                LOG.info("colony " + name + ": issued " + a);
                nudgeCell.accept(a.cellId());
            }
            if (now - lastPeersMillis >= 2000) {
                lastPeersMillis = now;
                pushPeers(false);
            }
            if (now - lastSweepMillis >= SWEEP_EVERY_MILLIS) {
                lastSweepMillis = now;
                survey();
            }
        } catch (RuntimeException e) {
            LOG.warning("colony " + name + ": control loop error: " + e);
        }
    }

    /** Adds every scheduled node pod of a known color to the fleet, at the place its Kubernetes Node's labels give. */
    private void syncFleet() {
        Set<String> colors = new TreeSet<>(spec.getColors());
        Set<String> present = new TreeSet<>();
        for (Pod p : pods.getStore().list()) {
            String podName = p.getMetadata().getName();
            String color = p.getMetadata().getLabels().get(Names.COLOR_LABEL);
            String nodeName = p.getSpec().getNodeName();
            String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
            if (color == null || !colors.contains(color) || p.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            if (ip != null && !ip.isBlank()) {
                addresses.put(podName, ip);
                adminAddresses.put(podName, NodePorts.adminAddress(p, ip));
                present.add(podName);
            }
            if (nodeName == null) {
                continue;
            }
            io.fabric8.kubernetes.api.model.Node kn = kubeNodes.getStore().getByKey(nodeName);
            if (kn == null) {
                continue;
            }
            NodeTopology t;
            try {
                NodeTopology labelled = TopologyLabels.parse(nodeName, kn.getMetadata().getLabels()).topology();
                t = new NodeTopology(podName, labelled.zone(), labelled.row(), labelled.rack(), labelled.power());
            } catch (TopologyException e) {
                continue; // an unlabelled Kubernetes node: the pod cannot be placed by the rules until it is labelled
            }
            synchronized (engine) {
                Optional<io.physalia.controlplane.Node> known = engine.fleet().node(podName);
                if (known.isEmpty()) {
                    engine.fleet().addNode(t, color, capacityPerNode);
                    colorOf.put(podName, color);
                } else if (!known.get().topology().equals(t) && movedWarned.add(podName)) {
                    LOG.warning("colony " + name + ": node pod " + podName + " now runs in " + t.location() + " (Kubernetes node "
                            + nodeName + "), not " + known.get().topology().location()
                            + "; the engine keeps its first place until the operator restarts");
                }
            }
        }
        addresses.keySet().retainAll(present);
        adminAddresses.keySet().retainAll(present);
    }

    /**
     * A node pod went away (evicted, deleted, its Kubernetes node gone) or a new one came: the
     * color's disruption budget closes at once, before the Color's next reconcile could see it,
     * so a drain that evicts its next pod as soon as the replacement looks Ready to Kubernetes is
     * refused until the operator has seen the replacement's replicas caught up.
     */
    private void podChanged(Pod p, boolean gone) {
        String color = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(Names.COLOR_LABEL);
        if (color == null) {
            return;
        }
        long now = System.currentTimeMillis();
        podChangedAtMillis.put(color, now);
        if (gone) {
            workers.submit(() -> closeBudget(color));
            // deleted through the API (an eviction, a drain, a restart): its StatefulSet brings it back with its
            // data, so its cells wait for it a while before they are repaired away
            restartingUntil.merge(p.getMetadata().getName(), now + DELETED_POD_GRACE_MILLIS, Math::max);
        }
    }

    private void closeBudget(String color) {
        try {
            client.policy().v1().podDisruptionBudget().inNamespace(namespace).withName(Names.color(name, color))
                    .edit(b -> {
                        b.getSpec().setMaxUnavailable(new io.fabric8.kubernetes.api.model.IntOrString(0));
                        return b;
                    });
        } catch (RuntimeException e) {
            LOG.fine("colony " + name + ": closing the disruption budget of color " + color + " failed: " + e.getMessage());
        }
    }

    /** When a pod of the color last went away or came (0: never seen). */
    long podChangedAtMillis(String color) {
        return podChangedAtMillis.getOrDefault(color, 0L);
    }

    /** Takes back every placed cell's state from the Cells' status, once the pods they name are in the fleet. */
    private void tryRestore() {
        if (!pods.hasSynced() || !kubeNodes.hasSynced()) {
            waitingFor = "the pod and node caches to fill";
            return;
        }
        List<Cell> cells = client.resources(Cell.class).inNamespace(namespace).list().getItems().stream()
                .filter(c -> belongs(c)).toList();
        List<EngineState.CellState> states = new ArrayList<>();
        List<Action> inFlight = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        long nextId = 1;
        synchronized (engine) {
            for (Cell c : cells) {
                CellRecord r = CellRecord.of(c);
                if (r.members().isEmpty()) {
                    continue; // not placed yet: its reconciler places it once the runtime is ready
                }
                List<String> needed = new ArrayList<>(r.members());
                r.action().ifPresent(a -> needed.add(a.leaving()));
                for (String n : needed) {
                    if (engine.fleet().node(n).isEmpty()) {
                        missing.add(n);
                    }
                }
                states.add(new EngineState.CellState(c.getMetadata().getName(), r.color(), r.members().size(),
                        clients(c), r.members()));
                r.action().ifPresent(inFlight::add);
                nextId = Math.max(nextId, r.action().map(a -> a.id() + 1).orElse(1L));
            }
            if (!missing.isEmpty()) {
                waitingFor = "node pods " + missing + " (named in the Cells' status) to be scheduled on labelled nodes";
                return;
            }
            // client locations of restored cells must resolve now; unresolvable ones restore with none
            try {
                engine.restore(new EngineState(false, "", 0, nextId, states, inFlight, EngineState.Counters.ZERO));
            } catch (IllegalArgumentException e) {
                restoreProblem = "the Cells' recorded placements do not fit the fleet: " + e.getMessage();
                return;
            }
            restoreProblem = null;
        }
        ColonySpec s = spec;
        if (Boolean.TRUE.equals(s.getPaused())) {
            synchronized (engine) {
                engine.pause(s.getPauseReason() == null ? "" : s.getPauseReason(), System.currentTimeMillis());
            }
        }
        restored = true;
        LOG.info("colony " + name + ": took back " + states.size() + " placed cells and " + inFlight.size() + " actions in flight");
        for (EngineState.CellState c : states) {
            nudgeCell.accept(c.id());
        }
    }

    boolean belongs(Cell c) {
        String own = c.getSpec() == null ? null : c.getSpec().getColony();
        return own == null || own.equals(name);
    }

    /** The cell's client locations, each completed from the rack when the spec names only the rack. */
    private List<Location> clients(Cell c) {
        try {
            return resolveClients(c);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /**
     * The cell's client locations as the engine takes them. A location may name only its rack:
     * zone and row come from the fleet's nodes in that rack. Throws naming a rack no node is in.
     */
    List<Location> resolveClients(Cell c) {
        List<Location> out = new ArrayList<>();
        if (c.getSpec() == null || c.getSpec().getClientLocations() == null) {
            return out;
        }
        synchronized (engine) {
            for (var l : c.getSpec().getClientLocations()) {
                Optional<NodeTopology> inRack = engine.fleet().nodes().stream().map(io.physalia.controlplane.Node::topology)
                        .filter(t -> t.rack().equals(l.getRack())).findFirst();
                if (inRack.isEmpty()) {
                    throw new IllegalArgumentException("spec.clientLocations: no node of the colony is in rack '" + l.getRack() + "'");
                }
                NodeTopology t = inRack.get();
                if ((l.getRow() != null && !l.getRow().equals(t.row())) || (l.getZone() != null && !l.getZone().equals(t.zone()))) {
                    throw new IllegalArgumentException("spec.clientLocations: rack '" + l.getRack() + "' is in " + t.zone() + "/" + t.row()
                            + ", not " + (l.getZone() == null ? "?" : l.getZone()) + "/" + (l.getRow() == null ? "?" : l.getRow()));
                }
                out.add(t.location());
            }
        }
        return out;
    }

    private void checkHealth() {
        List<String> names;
        synchronized (engine) {
            names = engine.fleet().nodes().stream().map(io.physalia.controlplane.Node::name).toList();
        }
        Map<String, Future<Boolean>> checks = new TreeMap<>();
        for (String n : names) {
            checks.put(n, addresses.containsKey(n) ? workers.submit(() -> admin.healthy(n, HEALTH_TIMEOUT)) : null);
        }
        Map<String, Map<String, Boolean>> okByColor = new TreeMap<>();
        for (Map.Entry<String, Future<Boolean>> e : checks.entrySet()) {
            boolean ok;
            try {
                ok = e.getValue() != null && e.getValue().get(HEALTH_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
                ok = false;
            }
            String color;
            synchronized (engine) {
                color = colorOf.get(e.getKey());
            }
            int before = passedInRow.getOrDefault(e.getKey(), 0);
            passedInRow.put(e.getKey(), ok ? before + 1 : 0);
            if (ok && before == 0) {
                pushedPeers.remove(e.getKey()); // back (a restart forgets the directory): tell it its peers on the next push
            }
            // a node restarted on purpose counts as healthy while it may take to come back, so its cells are not repaired away
            boolean planned = System.currentTimeMillis() < restartingUntil.getOrDefault(e.getKey(), 0L);
            okByColor.computeIfAbsent(color, k -> new TreeMap<>()).put(e.getKey(), ok || planned);
        }
        List<HealthDebounce.Change> changes = health.round(okByColor);
        for (HealthDebounce.Change c : changes) {
            synchronized (engine) {
                engine.setNodeHealth(c.node(), c.healthy());
            }
            LOG.info("colony " + name + ": node " + c.node() + (c.healthy() ? " is healthy again" : " fails its health checks; its cells await repair"));
            if (c.healthy()) {
                pushedPeers.remove(c.node()); // back from a restart, it knows only its own flags: tell it its peers again
            }
            cellsOf(c.node()).forEach(nudgeCell);
        }
        // Seen down or up, reported or not (a suspect health source starts no repair): the cells'
        // status must still say what their members answer, not wait for the next periodic look.
        for (String node : health.seenChanged()) {
            if (changes.stream().noneMatch(c -> c.node().equals(node))) {
                cellsOf(node).forEach(nudgeCell);
            }
        }
    }

    /** The cells the engine places on {@code node}. */
    private List<String> cellsOf(String node) {
        synchronized (engine) {
            return engine.fleet().node(node).map(n -> n.cells().stream().map(io.physalia.controlplane.Cell::id).toList())
                    .orElse(List.of());
        }
    }

    /**
     * Asks every healthy node for all its replicas at once ({@code GET /admin/cells}, one call a
     * node rather than one a cell), then: drops the replicas a node still holds for cells that
     * moved away while it was down ({@link StaleReplicas}; never while paused; on the loop thread,
     * which alone issues actions, so no action can pick the node for that cell between the decision
     * and the drop), and nudges every Cell whose leader is not the one its status shows (an idle
     * cell elects one on its first request), so a cell at rest needs no frequent reconcile of its own.
     */
    private void survey() {
        List<String> names;
        synchronized (engine) {
            names = engine.fleet().nodes().stream().filter(io.physalia.controlplane.Node::healthy)
                    .map(io.physalia.controlplane.Node::name).filter(addresses::containsKey).toList();
        }
        Map<String, Future<List<io.physalia.client.admin.ReplicaStatus>>> listing = new TreeMap<>();
        for (String n : names) {
            listing.put(n, workers.submit(() -> admin.hostedReplicas(n)));
        }
        Map<String, List<String>> hosted = new TreeMap<>();
        Map<String, String> leaders = new HashMap<>();
        for (Map.Entry<String, Future<List<io.physalia.client.admin.ReplicaStatus>>> e : listing.entrySet()) {
            try {
                List<io.physalia.client.admin.ReplicaStatus> replicas = e.getValue().get(HEALTH_TIMEOUT.toMillis() * 5, TimeUnit.MILLISECONDS);
                hosted.put(e.getKey(), replicas.stream().map(io.physalia.client.admin.ReplicaStatus::cell).toList());
                replicas.stream().filter(io.physalia.client.admin.ReplicaStatus::leader).forEach(r -> leaders.put(r.cell(), e.getKey()));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
                // not listed this round: the next survey asks again
            }
        }
        List<String> newLeader = new ArrayList<>();
        Map<String, List<String>> stale;
        synchronized (engine) {
            stale = StaleReplicas.find(engine, hosted);
            leaders.forEach((cell, leader) -> {
                if (engine.fleet().cell(cell).isPresent() && !leader.equals(cellLeaders.get(cell))) {
                    newLeader.add(cell);
                }
            });
        }
        newLeader.forEach(nudgeCell);
        if (paused()) {
            return;
        }
        stale.forEach((node, cells) -> {
            for (String cell : cells) {
                try {
                    if (admin.drop(node, cell)) {
                        LOG.info("colony " + name + ": node " + node + " still held a replica of cell " + cell
                                + ", which moved away while it was down: dropped");
                    }
                } catch (IOException e) {
                    LOG.fine("colony " + name + ": dropping the stale replica of " + cell + " on " + node + " failed: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    /** Colors whose health source looks broken, and why (repairs of their nodes wait). */
    public TreeMap<String, String> healthSuspect() {
        return health.suspect();
    }

    /**
     * Whether the node answered its last two health checks (the raw checks: a node restarted on
     * purpose is {@link #healthy} for the engine while it comes back, but not up).
     */
    public boolean up(String node) {
        return addresses.containsKey(node) && passedInRow.getOrDefault(node, 0) >= 2;
    }

    /**
     * The node is about to be restarted on purpose: until {@code untilMillis} its failed health
     * checks do not make the engine repair its cells (they come back with it); past that, it is a
     * failed node like any other.
     */
    void expectRestart(String node, long untilMillis) {
        restartingUntil.put(node, untilMillis);
    }

    /** The node's pod is being deleted now: its earlier passed checks say nothing of its replacement. */
    void stopping(String node) {
        passedInRow.put(node, 0);
    }

    /** The restart is over (the node is back, or the rollout halted). */
    void restartOver(String node) {
        restartingUntil.remove(node);
    }

    /** The pod IP of a node pod, or null. */
    String address(String node) {
        return addresses.get(node);
    }

    /** The members of a cell as the engine has them (empty for an unknown cell). */
    List<String> members(String cell) {
        synchronized (engine) {
            return engine.fleet().cell(cell).map(c -> List.copyOf(c.memberNames())).orElse(List.of());
        }
    }

    /** Every replica of each node, asked of all at once; a node that does not answer is absent. */
    Map<String, List<io.physalia.client.admin.ReplicaStatus>> replicasOf(List<String> nodes) throws InterruptedException {
        Map<String, Future<List<io.physalia.client.admin.ReplicaStatus>>> asked = new TreeMap<>();
        for (String n : nodes) {
            if (addresses.containsKey(n)) {
                asked.put(n, workers.submit(() -> admin.hostedReplicas(n)));
            }
        }
        Map<String, List<io.physalia.client.admin.ReplicaStatus>> out = new TreeMap<>();
        for (Map.Entry<String, Future<List<io.physalia.client.admin.ReplicaStatus>>> e : asked.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().get(HEALTH_TIMEOUT.toMillis() * 5, TimeUnit.MILLISECONDS));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
                e.getValue().cancel(true);
            }
        }
        return out;
    }

    /** Runs {@code task} on the runtime's I/O workers (calls to nodes). */
    <T> Future<T> submit(java.util.concurrent.Callable<T> task) {
        return workers.submit(task);
    }

    public boolean healthy(String node) {
        synchronized (engine) {
            return engine.fleet().node(node).map(io.physalia.controlplane.Node::healthy).orElse(false) && addresses.containsKey(node);
        }
    }

    // ---- peers ---------------------------------------------------------------------------------

    /** The peers each node that is in some cell must know ({@link #desiredPeersOf}), for every node of the fleet. */
    private Map<String, Set<String>> desiredPeers() {
        Map<String, Set<String>> out = new HashMap<>();
        List<String> nodes;
        synchronized (engine) {
            nodes = engine.fleet().nodes().stream().map(io.physalia.controlplane.Node::name).toList();
        }
        for (String n : nodes) {
            Set<String> peers = desiredPeersOf(n, List.of());
            if (!peers.isEmpty()) {
                out.put(n, peers);
            }
        }
        return out;
    }

    private Map<String, NodeAdmin.Peer> directory(Set<String> peers) {
        Map<String, NodeAdmin.Peer> d = new TreeMap<>();
        synchronized (engine) {
            for (String p : peers) {
                String ip = addresses.get(p);
                if (ip != null) {
                    d.put(p, new NodeAdmin.Peer(NodePorts.peer(ip), colorOf.get(p)));
                }
            }
        }
        return d;
    }

    /** Pushes changed peer directories (all of them when {@code force}, or when one is older than the refresh period). */
    private void pushPeers(boolean force) {
        long now = System.currentTimeMillis();
        for (Map.Entry<String, Set<String>> e : desiredPeers().entrySet()) {
            String node = e.getKey();
            if (!addresses.containsKey(node)) {
                continue;
            }
            Map<String, NodeAdmin.Peer> want = directory(e.getValue());
            boolean stale = now - pushedAtMillis.getOrDefault(node, 0L) >= PEERS_REFRESH_MILLIS;
            if (force || stale || !want.equals(pushedPeers.get(node))) {
                workers.submit(() -> pushTo(node, want));
            }
        }
    }

    private boolean pushTo(String node, Map<String, NodeAdmin.Peer> want) {
        try {
            admin.setPeers(node, want);
            pushedPeers.put(node, want);
            pushedAtMillis.put(node, System.currentTimeMillis());
            return true;
        } catch (IOException e) {
            LOG.fine("colony " + name + ": peers of " + node + " not pushed: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Makes sure every node of {@code group} (a cell's members) knows the others, pushing now, on
     * the calling thread, the directory of each that does not; true when every one of them does.
     * Cheap when nothing is missing (the common case once a node knows its color's peers), so a
     * placement of one cell among thousands does not recompute every directory.
     */
    boolean ensurePeers(List<String> group) {
        boolean all = true;
        for (String n : group) {
            Map<String, NodeAdmin.Peer> known = pushedPeers.get(n);
            boolean complete = known != null;
            for (String other : group) {
                if (!complete) {
                    break;
                }
                if (!other.equals(n)) {
                    NodeAdmin.Peer p = known.get(other);
                    String ip = addresses.get(other);
                    complete = p != null && ip != null && p.address().equals(NodePorts.peer(ip));
                }
            }
            if (!complete) {
                all &= addresses.containsKey(n) && pushTo(n, directory(desiredPeersOf(n, group)));
            }
        }
        return all;
    }

    /**
     * The peers {@code node} must know, plus {@code group}: the other members of every cell it is a
     * member of, and both ends of every action in flight it is part of (the leaving member still
     * votes until it is removed).
     */
    private Set<String> desiredPeersOf(String node, List<String> group) {
        Set<String> out = new TreeSet<>(group);
        synchronized (engine) {
            engine.fleet().node(node).ifPresent(n -> {
                for (io.physalia.controlplane.Cell c : n.cells()) {
                    out.addAll(c.memberNames());
                    engine.inFlight(c.id()).ifPresent(a -> out.add(a.leaving()));
                }
            });
            for (Action a : engine.status().inFlight()) {
                if (a.leaving().equals(node)) {
                    out.addAll(engine.fleet().cell(a.cellId()).map(io.physalia.controlplane.Cell::memberNames).orElse(List.of()));
                }
            }
        }
        out.remove(node);
        return out;
    }

    // ---- what the Cell reconciler calls ---------------------------------------------------------

    /** The engine's model of one cell: members, color, the row of its first member, the action in flight. */
    public record CellModel(String color, List<String> members, String row, Optional<Action> action, List<Location> clients) {}

    public Optional<CellModel> cell(String cell) {
        synchronized (engine) {
            return engine.fleet().cell(cell).map(c -> new CellModel(c.color(), List.copyOf(c.memberNames()),
                    c.members().isEmpty() ? "" : c.members().get(0).rowPath(), engine.inFlight(cell), c.clients()));
        }
    }

    public Optional<NodeTopology> topology(String node) {
        synchronized (engine) {
            return engine.fleet().node(node).map(io.physalia.controlplane.Node::topology);
        }
    }

    public PlacementResult place(String cell, Optional<String> color, int size, List<Location> clients) {
        PlacementRequest req = PlacementRequest.of(cell, clients).withSize(size);
        synchronized (engine) {
            return engine.place(color.map(req::withColor).orElse(req));
        }
    }

    public void moveClients(String cell, List<Location> clients) {
        synchronized (engine) {
            engine.moveClients(cell, clients);
        }
    }

    /** One step of the cell's action in flight (see {@link MembershipDriver}). */
    public MembershipDriver.Taken takeStep(Action a, io.physalia.controlplane.runtime.CellAnswers answers)
            throws IOException, InterruptedException {
        List<String> others;
        boolean leavingRunning;
        synchronized (engine) {
            others = engine.fleet().cell(a.cellId()).orElseThrow().memberNames().stream()
                    .filter(n -> !n.equals(a.joining())).filter(n -> engine.fleet().node(n).map(io.physalia.controlplane.Node::healthy).orElse(false))
                    .toList();
            leavingRunning = engine.fleet().node(a.leaving()).map(io.physalia.controlplane.Node::healthy).orElse(false);
        }
        if (leavingRunning) {
            List<String> withLeaving = new ArrayList<>(others);
            withLeaving.add(a.leaving()); // it still answers, and still votes until removed
            others = withLeaving;
        }
        ensurePeers(concat(others, a.joining()));
        return driver.takeStep(a, others, leavingRunning, answers);
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    /** The action's last step is done (or, when {@code caughtUp} is false, it never changed the cell). */
    public void finish(Action a, boolean caughtUp, String detail) {
        synchronized (engine) {
            if (engine.inFlight(a.cellId()).filter(x -> x.id() == a.id()).isEmpty()) {
                return; // already finished (a reconcile raced a restore)
            }
            if (caughtUp) {
                engine.reportCaughtUp(a.id());
            } else {
                engine.reportAborted(a.id());
            }
            countAction(a, caughtUp ? "caught_up" : "aborted");
            ActionRecord r = ActionRecords.of(a, detail);
            finished.addFirst(r);
            while (finished.size() > FINISHED_KEPT) {
                finished.removeLast();
            }
        }
    }

    /** The cell was deleted and its replicas dropped. */
    public void forget(String cell) {
        synchronized (engine) {
            engine.forgetCell(cell);
            cellPhases.remove(cell);
            cellColors.remove(cell);
            cellLeaders.remove(cell);
        }
    }

    /** What the Cell reconciler last wrote: the phase and color for the Colony's counts, the leader for the survey. */
    public void reportPhase(String cell, String phase, String color, String leader) {
        synchronized (engine) {
            cellPhases.put(cell, phase);
            if (color != null) {
                cellColors.put(cell, color);
            }
            if (leader == null) {
                cellLeaders.remove(cell);
            } else {
                cellLeaders.put(cell, leader);
            }
        }
    }

    private void countAction(Action a, String result) {
        String color;
        synchronized (engine) {
            color = engine.fleet().cell(a.cellId()).map(io.physalia.controlplane.Cell::color).orElse("");
        }
        actionCounts.merge(List.of(color, a.kind().name().toLowerCase(java.util.Locale.ROOT), result), 1L, Long::sum);
    }

    /** Actions so far, by (color, kind, result). */
    Map<List<String>, Long> actionCounts() {
        return Map.copyOf(actionCounts);
    }

    /** The rollout as the Colony reconciler last wrote it (for the metrics). */
    void reportRollout(io.physalia.crds.RolloutStatus r) {
        this.rollout = r;
    }

    io.physalia.crds.RolloutStatus rollout() {
        return rollout;
    }

    /** Cells by color and phase, as their reconcilers last wrote them. */
    Map<String, Map<String, Integer>> cellsByColorAndPhase() {
        synchronized (engine) {
            Map<String, Map<String, Integer>> out = new TreeMap<>();
            cellPhases.forEach((cell, phase) -> out.computeIfAbsent(cellColors.getOrDefault(cell, ""), k -> new TreeMap<>())
                    .merge(phase, 1, Integer::sum));
            return out;
        }
    }

    /** What the Colony's status shows. */
    public record Summary(Map<String, Integer> cellsByPhase, Map<String, Integer> cellsByColor, List<ActionRecord> inFlight,
            List<ActionRecord> lastActions, EngineStatus engine, int nodes, int healthyNodes) {}

    public Summary summary() {
        synchronized (engine) {
            Map<String, Integer> byPhase = new TreeMap<>();
            cellPhases.values().forEach(p -> byPhase.merge(p, 1, Integer::sum));
            Map<String, Integer> byColor = new TreeMap<>();
            cellColors.values().forEach(c -> byColor.merge(c, 1, Integer::sum));
            List<ActionRecord> inFlight = engine.status().inFlight().stream().map(a -> ActionRecords.of(a, null)).toList();
            int healthy = (int) engine.fleet().nodes().stream().filter(io.physalia.controlplane.Node::healthy).count();
            return new Summary(byPhase, byColor, inFlight, List.copyOf(finished), engine.status(), engine.fleet().nodes().size(), healthy);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        workers.shutdownNow();
        pods.close();
        kubeNodes.close();
    }
}
