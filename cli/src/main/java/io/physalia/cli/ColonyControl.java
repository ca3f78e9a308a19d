package io.physalia.cli;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.client.admin.NodeAdmin;
import io.physalia.controlplane.Action;
import io.physalia.controlplane.Cell;
import io.physalia.controlplane.ColorPlan;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.RateLimits;
import io.physalia.controlplane.StaleReplicas;
import io.physalia.controlplane.runtime.MembershipDriver;
import io.physalia.controlplane.runtime.WorkerPool;
import io.physalia.core.cell.CellLimits;
import io.physalia.node.KeyFile;
import io.physalia.node.local.LocalColony;
import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import io.physalia.topology.TopologyLabels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The control plane of a local colony: the {@code controlplane} engine on a synthetic topology of
 * the colony's node processes ({@link SyntheticTopology}: rows of racks of two nodes, power domains
 * crossing racks, colors from {@link ColorPlan}), executing the engine's actions through the
 * nodes' admin API ({@link ActionRunner}), remembering its state across restarts in the colony's
 * data directory ({@link ControlStateFile}), dropping replicas that a node still holds for cells
 * that moved away while it was down, and answering {@code physalia create/move/start-node/pause/
 * resume/status} through a small HTTP endpoint on loopback ({@link ControlEndpoint}).
 *
 * <p>Threads: one loop thread notices node health, ticks the engine and drops stale replicas; it
 * is the only thread that issues actions, so a replica it has decided to drop cannot meanwhile
 * become the target of a new action. Actions run on worker threads. The engine and everything the
 * status shows are guarded by the engine's monitor; the state file is written under it after every
 * change, so what is on disk is always a state the engine was in.
 */
public final class ColonyControl implements AutoCloseable, ActionRunner.Host {
    static final List<String> COLOR_NAMES = List.of("blue", "green", "amber", "violet", "red");
    /** Consecutive failed health checks (one a second) after which a running node counts as unhealthy. */
    static final int HEALTH_FAILURES = 5;
    static final int CAPACITY_REPLICAS = 100;
    private static final int EVENTS_KEPT = 30;
    private static final int ACTIONS_KEPT = 20;
    /** Threads that call nodes; more than the actions the rate limits let start at once. */
    static final int WORKER_THREADS = 8;
    /** Tasks waiting for a worker, past which the submitting thread runs the task itself. */
    static final int WORKER_QUEUE_LIMIT = 256;

    private final LocalColony colony;
    private final Topology topology;
    private final SortedMap<String, String> colors;
    private final ControlPlane engine;
    private final RateLimits.Config limits;
    private final int defaultSize;
    private final Consumer<String> log;
    private final ControlStateFile stateFile;
    private final NodeAdmin admin;
    private final ActionRunner runner;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> WorkerPool.daemon(r, "control-loop"));
    /** Actions' steps and the node checks; bounded, so a loop that outpaces slow nodes runs their work itself. */
    private final ExecutorService workers = WorkerPool.bounded("control-action", WORKER_THREADS, WORKER_QUEUE_LIMIT);
    /** Set while a health check or a listing of hosted cells runs, so a slow one is never queued again behind itself. */
    private final AtomicBoolean checkingHealth = new AtomicBoolean();
    private final AtomicBoolean listingHosted = new AtomicBoolean();
    // guarded by engine
    private final Deque<String> events = new ArrayDeque<>();
    private final Deque<ControlStateFile.Finished> finished = new ArrayDeque<>();
    private final Map<Long, String> steps = new HashMap<>();
    private final Map<String, List<String>> stale = new TreeMap<>();
    private final Map<String, Boolean> healthy = new HashMap<>();
    // written by the health checker, read by the loop
    private final Map<String, Integer> healthFailures = new ConcurrentHashMap<>();
    private final Map<String, List<String>> hostedByNode = new ConcurrentHashMap<>();
    private ControlEndpoint endpoint;
    /** Set by {@link #close()}: from then on nothing is reported to the engine or saved (in-flight actions stay in flight). */
    private boolean closed; // guarded by engine

    /**
     * Why a local colony of this shape could never place a cell of {@code size}, or null if it can:
     * a cell needs {@code size} nodes of one color in one row (one per rack in the synthetic
     * layout), so the flags are refused before any process starts rather than every create later.
     */
    static String seatingProblem(int nodes, int rows, int colorCount, int size) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            names.add("n" + i);
        }
        Topology t = SyntheticTopology.of(names, rows);
        SortedMap<String, String> colors = ColorPlan.assign(t, COLOR_NAMES.subList(0, colorCount));
        Map<String, Integer> perRowAndColor = new HashMap<>();
        for (NodeTopology n : t.nodes()) {
            perRowAndColor.merge(n.row() + "/" + colors.get(n.node()), 1, Integer::sum);
        }
        int most = perRowAndColor.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (most >= size) {
            return null;
        }
        int largestSize = most % 2 == 0 ? most - 1 : most;
        return "--size " + size + " needs " + size + " nodes of one color in one row, but --nodes " + nodes + " --rows "
                + rows + " --colors " + colorCount + " gives at most " + most + ": use "
                + (largestSize >= 3 ? "--size " + largestSize + " or " : "") + "--nodes " + (size * rows * colorCount);
    }

    /**
     * Builds the topology and colors for the colony's nodes, passes each node its labels and every
     * node's color (used from the nodes' next start), and takes back the state saved in the colony's
     * data directory, if any. Throws {@link IllegalStateException} if that state is damaged or was
     * written for a colony of another shape.
     */
    public ColonyControl(LocalColony colony, int rows, int colorCount, int defaultSize, RateLimits.Config limits,
            Consumer<String> log) throws IOException {
        this.colony = colony;
        this.defaultSize = defaultSize;
        this.limits = limits;
        this.log = log;
        this.topology = SyntheticTopology.of(colony.specs().stream().map(LocalColony.NodeSpec::name).toList(), rows);
        this.colors = ColorPlan.assign(topology, COLOR_NAMES.subList(0, colorCount));
        this.engine = new ControlPlane(Fleet.of(topology, colors, CAPACITY_REPLICAS), limits, PlacementPolicy.DEFAULT,
                new SplittableRandom(1));
        KeyFile keys = KeyFile.load(colony.keyFile());
        this.admin = new NodeAdmin(() -> {
            keys.reload(); // follows a rotation of the key file; a bad file keeps the keys in use
            return keys.adminToken();
        }, n -> spec(n).http());
        this.runner = new ActionRunner(new MembershipDriver(admin), this);
        this.stateFile = new ControlStateFile(colony.root());
        ControlStateFile.Contents saved = stateFile.load(topology, colors);
        if (saved != null) {
            try {
                engine.restore(saved.engine());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(stateFile.path() + ": " + e.getMessage()
                        + ". Fix the file, or move it away to start the control plane afresh.", e);
            }
            events.addAll(saved.recentEvents());
            finished.addAll(saved.recentActions());
        }
        String peerColors = colors.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        for (NodeTopology n : topology.nodes()) {
            String labels = TopologyLabels.labels(n, Optional.of(colors.get(n.node()))).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            colony.nodeArgs(n.node(), List.of("--labels", labels, "--peer-colors", peerColors));
            healthy.put(n.node(), true);
        }
        if (saved != null) {
            event("control plane state taken back from " + stateFile.path() + ": " + engine.fleet().cells().size() + " cells, "
                    + engine.status().inFlight().size() + " actions in flight" + (engine.paused() ? ", PAUSED" : ""));
        }
    }

    public ColonyControl(LocalColony colony, int rows, int colorCount, int defaultSize, Consumer<String> log) throws IOException {
        this(colony, rows, colorCount, defaultSize, RateLimits.Config.defaults(), log);
    }

    Topology topology() {
        return topology;
    }

    int defaultSize() {
        return defaultSize;
    }

    public SortedMap<String, String> colors() {
        return colors;
    }

    /** The cell's members in the engine's model (the joining node replaces the leaving one when an action is issued). */
    public List<String> members(String cell) {
        synchronized (engine) {
            return engine.fleet().cell(cell).map(c -> List.copyOf(c.memberNames())).orElse(List.of());
        }
    }

    /** Actions that ended, newest first. */
    List<ControlStateFile.Finished> finishedActions() {
        synchronized (engine) {
            return List.copyOf(finished);
        }
    }

    /** Starts the endpoint on {@code port} (loopback) and the control loop; actions in flight at the last stop go on. */
    public void start(int port) throws IOException {
        endpoint = ControlEndpoint.start(this, port);
        synchronized (engine) {
            for (Action a : engine.status().inFlight()) {
                event("action " + ColonyStatusView.action(a) + " was in flight at the last stop; going on with it");
                workers.submit(() -> runner.run(a));
            }
        }
        loop.scheduleWithFixedDelay(this::step, 200, 250, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(() -> unlessRunning(checkingHealth, this::checkHealth), 0, 1, TimeUnit.SECONDS);
        loop.scheduleWithFixedDelay(() -> unlessRunning(listingHosted, this::listHostedCells), 2, 2, TimeUnit.SECONDS);
    }

    /** Submits {@code task} unless the last one submitted under {@code running} has not finished. */
    private void unlessRunning(AtomicBoolean running, Runnable task) {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    task.run();
                } finally {
                    running.set(false);
                }
            });
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    private static long now() {
        return System.currentTimeMillis(); // wall clock: the state file's times must mean something after a restart
    }

    @Override
    public void event(String line) {
        String stamped = ColonyStatusView.time(now()) + " " + line;
        synchronized (engine) {
            events.addLast(stamped);
            while (events.size() > EVENTS_KEPT) {
                events.removeFirst();
            }
        }
        log.accept(stamped);
    }

    /** Writes the engine's state; the caller holds the engine's monitor. */
    private void persist() {
        if (closed) {
            return;
        }
        try {
            stateFile.save(topology, colors, new ControlStateFile.Contents(engine.state(), List.copyOf(finished), List.copyOf(events)));
        } catch (IOException e) {
            log.accept("cannot save the control plane's state to " + stateFile.path() + ": " + e
                    + " (a restart of physalia local would forget the changes since the last save)");
        }
    }

    // ---- the loop: notice node health, tick the engine, drop stale replicas ---------------------

    private void step() {
        try {
            List<Action> due;
            synchronized (engine) {
                for (int i = 0; i < colony.specs().size(); i++) {
                    String name = colony.specs().get(i).name();
                    if (!colony.isAlive(i)) {
                        healthFailures.put(name, HEALTH_FAILURES); // a restarted process counts once it answers
                    }
                    boolean alive = colony.isAlive(i) && healthFailures.getOrDefault(name, 0) < HEALTH_FAILURES;
                    if (healthy.get(name) != alive) {
                        healthy.put(name, alive);
                        engine.setNodeHealth(name, alive);
                        hostedByNode.remove(name);
                        event("node " + name + (alive ? " is back" : colony.isAlive(i)
                                ? " fails its health checks; its cells await repair" : " is gone (process exited); its cells await repair"));
                    }
                }
                due = engine.tick(now());
                for (Action a : due) {
                    event("action " + ColonyStatusView.action(a) + " issued");
                    steps.put(a.id(), "waiting for a worker");
                }
                if (!due.isEmpty()) {
                    persist();
                }
            }
            for (Action a : due) {
                workers.submit(() -> runner.run(a));
            }
            dropStaleReplicas();
        } catch (RuntimeException e) {
            event("control loop error: " + e);
        }
    }

    /** GET /healthz on every running node; failures are counted, a success resets the count. */
    private void checkHealth() {
        for (int i = 0; i < colony.specs().size(); i++) {
            LocalColony.NodeSpec n = colony.specs().get(i);
            if (!colony.isAlive(i)) {
                continue;
            }
            boolean ok;
            try {
                ok = admin.healthy(n.name(), Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            healthFailures.put(n.name(), ok ? 0 : Math.min(HEALTH_FAILURES, healthFailures.getOrDefault(n.name(), 0) + 1));
        }
    }

    /** Asks every healthy node which cells it hosts; the loop compares that with the engine's model. */
    private void listHostedCells() {
        for (LocalColony.NodeSpec n : colony.specs()) {
            boolean ok;
            synchronized (engine) {
                ok = healthy.getOrDefault(n.name(), false);
            }
            if (!ok) {
                continue;
            }
            try {
                hostedByNode.put(n.name(), admin.hostedCells(n.name()));
            } catch (IOException e) {
                hostedByNode.remove(n.name());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Drops the replicas {@link StaleReplicas} finds (a node that was down while its cells moved
     * away comes back with them); never while paused. Runs on the loop thread, which alone issues
     * actions, so no action can pick the node for that cell between the decision and the drop.
     */
    private void dropStaleReplicas() {
        Map<String, List<String>> toDrop;
        synchronized (engine) {
            toDrop = StaleReplicas.find(engine, hostedByNode);
            stale.clear();
            stale.putAll(toDrop);
            if (engine.paused()) {
                return;
            }
        }
        toDrop.forEach((node, cells) -> {
            for (String cell : cells) {
                try {
                    if (admin.drop(node, cell)) {
                        event("node " + node + " still held a replica of cell " + cell + ", which moved away while it was down: dropped");
                    }
                } catch (IOException e) {
                    event("dropping the stale replica of cell " + cell + " on " + node + " failed: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            hostedByNode.remove(node); // listed afresh before deciding again
        });
        if (!toDrop.isEmpty()) {
            synchronized (engine) {
                stale.clear();
            }
        }
    }

    // ---- ActionRunner.Host -----------------------------------------------------------------------

    @Override
    public List<String> healthyMembers(String cell, String except) {
        synchronized (engine) {
            return engine.fleet().cell(cell).orElseThrow().memberNames().stream()
                    .filter(n -> !n.equals(except) && healthy.getOrDefault(n, false)).toList();
        }
    }

    @Override
    public boolean running(String node) {
        return colony.isAlive(index(node));
    }

    @Override
    public void step(Action a, String what) {
        synchronized (engine) {
            steps.put(a.id(), what);
        }
    }

    @Override
    public void finished(Action a, boolean caughtUp, String detail) {
        synchronized (engine) {
            if (closed) {
                return; // stopping: the saved state keeps the action in flight, and the next start runs it again
            }
            if (caughtUp) {
                engine.reportCaughtUp(a.id());
            } else {
                engine.reportAborted(a.id()); // nothing changed in the cell: the engine puts its model back
            }
            steps.remove(a.id());
            finished.addFirst(new ControlStateFile.Finished(a, now(), caughtUp, detail));
            while (finished.size() > ACTIONS_KEPT) {
                finished.removeLast();
            }
            event("action #" + a.id() + (caughtUp ? " done: " : " ") + detail);
            persist();
        }
    }

    @Override
    public long nowMillis() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void later(Runnable r, long delayMillis) {
        try {
            loop.schedule(() -> workers.submit(r), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the action stays in flight in the saved state and goes on at the next start
        }
    }

    private int index(String node) {
        for (int i = 0; i < colony.specs().size(); i++) {
            if (colony.specs().get(i).name().equals(node)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no node '" + node + "' (nodes: "
                + colony.specs().stream().map(LocalColony.NodeSpec::name).toList() + ")");
    }

    private LocalColony.NodeSpec spec(String node) {
        return colony.specs().get(index(node));
    }

    // ---- operations behind the endpoint --------------------------------------------------------

    private List<Location> clientLocations(List<String> racks) {
        List<Location> clients = new ArrayList<>();
        for (String rack : racks) {
            NodeTopology any = topology.nodes().stream().filter(n -> n.rack().equals(rack)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no rack '" + rack + "' (racks: "
                            + topology.nodes().stream().map(NodeTopology::rack).distinct().sorted().toList() + ")"));
            clients.add(any.location());
        }
        return clients;
    }

    /**
     * Places a cell by the rules and hosts it on the chosen nodes. The placement is saved before
     * the nodes are asked, so a cell is never hosted without the control plane knowing it; if
     * hosting fails, the same create again hosts it on the placed members.
     */
    String create(String cell, List<String> clientRacks, int size, String color) throws Exception {
        CellLimits.validatePlacedSize("size", size);
        if (color != null && !colors.containsValue(color)) {
            throw new IllegalArgumentException("no node has color '" + color + "' (colors: " + new java.util.TreeSet<>(colors.values()) + ")");
        }
        CellLimits.validateCellName(cell);
        List<Location> clients = clientLocations(clientRacks);
        PlacementResult result;
        List<String> members;
        synchronized (engine) {
            Optional<Cell> existing = engine.fleet().cell(cell);
            if (existing.isPresent()) {
                Cell c = existing.get();
                if (!c.clients().equals(clients) || c.size() != size || (color != null && !color.equals(c.color()))) {
                    throw new IllegalArgumentException("cell " + cell + " exists (" + c.color() + ", size " + c.size() + ", clients "
                            + c.clients().stream().map(Location::rack).toList() + ", members " + c.memberNames()
                            + "); use physalia move to change its clients");
                }
                result = new PlacementResult.Placed(cell, c.members().get(0).rowPath(), c.color(), c.memberNames());
            } else if (engine.paused()) {
                result = new PlacementResult.Refused(cell, List.of("the control plane is paused since "
                        + ColonyStatusView.time(engine.status().pausedAtMillis()) + " (" + engine.status().pauseReason()
                        + "): no cell is placed until physalia resume"));
                event("refused cell " + cell + ": paused");
            } else {
                PlacementRequest req = PlacementRequest.of(cell, clients).withSize(size);
                result = engine.place(color == null ? req : req.withColor(color));
                if (result instanceof PlacementResult.Placed p) {
                    event("placed cell " + cell + " (" + p.color() + ") for clients in " + clientRacks + " in row " + p.row() + " on " + p.members());
                    persist();
                } else {
                    event("refused cell " + cell + ": " + ((PlacementResult.Refused) result).summary());
                }
            }
            members = result instanceof PlacementResult.Placed p ? p.members() : List.of();
        }
        if (result instanceof PlacementResult.Refused r) {
            return new JsonObject().put("cell", cell).put("placed", false).put("reasons", new JsonArray(r.reasons())).encode();
        }
        PlacementResult.Placed p = (PlacementResult.Placed) result;
        Response created = new PhysaliaClient(members.stream().map(n -> spec(n).http()).toList()).createCell(cell, members);
        return new JsonObject().put("cell", cell).put("placed", true).put("row", p.row()).put("color", p.color())
                .put("members", new JsonArray(members)).put("hosted", created.status())
                .put("nodes", created.body().startsWith("{") ? new JsonObject(created.body()).getValue("nodes") : created.body()).encode();
    }

    /** The cell's clients moved: the engine moves it closer, one member at a time. */
    String move(String cell, List<String> clientRacks) {
        List<Location> clients = clientLocations(clientRacks);
        synchronized (engine) {
            Cell c = engine.fleet().cell(cell).orElseThrow(() -> new IllegalArgumentException("no cell '" + cell
                    + "' known to the control plane (cells: " + engine.fleet().cells().stream().map(Cell::id).toList() + ")"));
            List<String> before = c.clients().stream().map(Location::rack).toList();
            engine.moveClients(cell, clients);
            event("cell " + cell + ": clients moved from " + before + " to " + clientRacks
                    + (engine.paused() ? "; it moves closer after resume" : "; moving it closer, one member at a time"));
            persist();
            return new JsonObject().put("cell", cell).put("clients", new JsonArray(clientRacks)).put("members", new JsonArray(c.memberNames()))
                    .put("paused", engine.paused()).encode();
        }
    }

    /** Starts a node process that is not running (one that was killed, say); its cells come back or are dropped. */
    String startNode(String node) throws IOException, InterruptedException {
        int i = index(node);
        if (colony.isAlive(i)) {
            throw new IllegalArgumentException("node " + node + " is running (pid " + colony.process(i).pid() + ")");
        }
        colony.start(i);
        event("node " + node + " started again (pid " + colony.process(i).pid() + ")");
        colony.awaitReady(i, Duration.ofSeconds(60));
        return "node " + node + " is up (pid " + colony.process(i).pid() + ")\n";
    }

    String status() {
        Map<String, ColonyStatusView.Process> procs = new HashMap<>();
        for (int i = 0; i < colony.specs().size(); i++) {
            Process p = colony.process(i);
            procs.put(colony.specs().get(i).name(), new ColonyStatusView.Process(colony.isAlive(i), p == null ? 0 : p.pid()));
        }
        synchronized (engine) {
            return ColonyStatusView.render(new ColonyStatusView.Input(engine.status(), engine.fleet(), limits, procs,
                    new HashMap<>(steps), List.copyOf(finished), new TreeMap<>(stale), List.copyOf(events)));
        }
    }

    void pause(String reason) {
        synchronized (engine) {
            engine.pause(reason, now());
            event("PAUSED: " + reason);
            persist();
        }
    }

    void resume() {
        synchronized (engine) {
            engine.resume();
            event("resumed");
            persist();
        }
    }

    /** Stops the loop and the workers; actions in flight stay in flight in the saved state and go on at the next start. */
    @Override
    public void close() {
        synchronized (engine) {
            closed = true;
        }
        loop.shutdownNow();
        workers.shutdownNow();
        if (endpoint != null) {
            endpoint.stop();
        }
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
