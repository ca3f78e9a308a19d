package io.physalia.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.controlplane.Action;
import io.physalia.controlplane.ColorPlan;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.FleetReport;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.node.KeyFile;
import io.physalia.node.local.LocalColony;
import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import io.physalia.topology.TopologyLabels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The control plane of a local colony: the {@code controlplane} engine on a synthetic topology of
 * the colony's node processes, executing the engine's actions through the nodes' admin API, and a
 * small HTTP endpoint on loopback for {@code physalia create/pause/resume/status}.
 *
 * <p>Synthetic topology: one zone {@code z1} with one row {@code r1}; racks of two nodes
 * ({@code r1-k1}, ...; nodes dealt round-robin over the racks); as many power domains as racks
 * ({@code r1-p1}, ...), crossing them: a node's power domain is (rack + slot in rack) mod racks, so
 * each power domain spans two racks. Colors come from {@link ColorPlan}. With 3-member cells this
 * leaves every color a spare that keeps the rules when any one member fails (9 nodes and 2 colors,
 * 12 nodes and 3 colors).
 */
public final class ColonyControl implements AutoCloseable {
    static final String CLIENT_ID = "physalia-local-control";
    static final List<String> COLOR_NAMES = List.of("blue", "green", "amber", "violet", "red");
    static final long CATCH_UP_TIMEOUT_MILLIS = 30_000;
    static final int MAX_ATTEMPTS = 5;
    /** Consecutive failed health checks (one a second) after which a running node counts as unhealthy. */
    static final int HEALTH_FAILURES = 5;

    private final LocalColony colony;
    private final Topology topology;
    private final SortedMap<String, String> colors;
    private final ControlPlane engine;
    private final String adminToken;
    private final int defaultSize;
    private final Consumer<String> log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "control-loop"));
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> daemon(r, "control-action"));
    private final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1000);
    private final long startNanos = System.nanoTime();
    private final Deque<String> events = new ArrayDeque<>();
    private final Map<String, Boolean> healthy = new HashMap<>();
    private final Map<String, Integer> healthFailures = new java.util.concurrent.ConcurrentHashMap<>();
    private HttpServer server;

    public ColonyControl(LocalColony colony, int colorCount, int defaultSize, Consumer<String> log) throws IOException {
        this.colony = colony;
        this.defaultSize = defaultSize;
        this.log = log;
        this.topology = topology(colony.specs().stream().map(LocalColony.NodeSpec::name).toList());
        this.colors = ColorPlan.assign(topology, COLOR_NAMES.subList(0, colorCount));
        this.engine = new ControlPlane(Fleet.of(topology, colors, 100), new SplittableRandom(1));
        this.adminToken = KeyFile.load(colony.keyFile()).adminToken();
        String peerColors = colors.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        for (NodeTopology n : topology.nodes()) {
            String labels = TopologyLabels.labels(n, Optional.of(colors.get(n.node()))).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
            colony.nodeArgs(n.node(), List.of("--labels", labels, "--peer-colors", peerColors));
            healthy.put(n.node(), true);
        }
    }

    /** The synthetic topology of nodes named in order (see the class comment). */
    static Topology topology(List<String> names) {
        int racks = (names.size() + 1) / 2;
        List<NodeTopology> nodes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int rack = i % racks;
            int slot = i / racks;
            nodes.add(new NodeTopology(names.get(i), "z1", "r1", "r1-k" + (rack + 1), "r1-p" + ((rack + slot) % racks + 1)));
        }
        return Topology.of(nodes);
    }

    /** The cell's members in the engine's model (the joining node replaces the leaving one when an action is issued). */
    public List<String> members(String cell) {
        synchronized (engine) {
            return engine.fleet().cell(cell).map(c -> List.copyOf(c.memberNames())).orElse(List.of());
        }
    }

    public SortedMap<String, String> colors() {
        return colors;
    }

    /** Starts the control loop and the local endpoint on {@code port} (loopback). */
    public void start(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> daemon(r, "control-http")));
        server.start();
        loop.scheduleWithFixedDelay(this::step, 200, 250, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(() -> workers.submit(this::checkHealth), 1, 1, TimeUnit.SECONDS);
    }

    private long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private void event(String line) {
        String stamped = LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + line;
        synchronized (events) {
            events.addLast(stamped);
            while (events.size() > 30) {
                events.removeFirst();
            }
        }
        log.accept(stamped);
    }

    // ---- the loop: notice dead nodes, tick the engine, run its actions -------------------------

    private void step() {
        try {
            List<Action> due;
            synchronized (engine) {
                for (int i = 0; i < colony.specs().size(); i++) {
                    String name = colony.specs().get(i).name();
                    boolean alive = colony.isAlive(i) && healthFailures.getOrDefault(name, 0) < HEALTH_FAILURES;
                    if (healthy.get(name) != alive) {
                        healthy.put(name, alive);
                        engine.setNodeHealth(name, alive);
                        event("node " + name + (alive ? " is back" : colony.isAlive(i)
                                ? " fails its health checks; its cells await repair" : " is gone (process exited); its cells await repair"));
                    }
                }
                due = engine.tick(now());
            }
            for (Action a : due) {
                event("action " + a);
                workers.submit(() -> execute(a));
            }
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
                ok = http.send(HttpRequest.newBuilder(URI.create("http://" + n.http() + "/healthz")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                ok = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            healthFailures.put(n.name(), ok ? 0 : healthFailures.getOrDefault(n.name(), 0) + 1);
        }
    }

    /** One member replaced: add the new member, host it, wait until it caught up, remove the old one. */
    void execute(Action a) {
        execute(a, 1);
    }

    private void execute(Action a, int attempt) {
        String cell = a.cellId();
        boolean added = false;
        try {
            List<String> others = new ArrayList<>();
            synchronized (engine) {
                engine.fleet().cell(cell).orElseThrow().memberNames().stream()
                        .filter(n -> !n.equals(a.joining()) && healthy.getOrDefault(n, false)).forEach(others::add);
            }
            JsonObject before = statusFromAny(cell, others);
            String leavingMember = member(before.getJsonArray("configuration"), a.leaving());
            String joinedMember = member(before.getJsonArray("configuration"), a.joining());
            JsonArray joinedConfig = before.getJsonArray("configuration");
            long addSlot = 0;
            added = joinedMember != null;
            if (joinedMember == null) {
                JsonObject addedAnswer = membership(cell, others, new JsonObject().put("add", a.joining()));
                joinedConfig = addedAnswer.getJsonArray("pending");
                joinedMember = member(joinedConfig, a.joining());
                addSlot = addedAnswer.getLong("slot", 0L);
                added = true;
                event("cell " + cell + ": added " + joinedMember + " at slot " + addSlot);
            }
            String target = spec(a.joining()).http();
            JsonObject join = new JsonObject().put("member", joinedMember).put("members", joinedConfig);
            HttpResponse<String> hosted = admin("PUT", target, "/admin/cells/" + cell + "/join", join.encode());
            if (hosted.statusCode() / 100 != 2) {
                throw new IOException("hosting " + joinedMember + " on " + a.joining() + ": HTTP " + hosted.statusCode() + " " + hosted.body());
            }
            awaitCaughtUp(cell, a.joining(), others, addSlot);
            event("cell " + cell + ": " + joinedMember + " caught up");
            if (leavingMember != null) {
                membership(cell, others, new JsonObject().put("remove", leavingMember));
                event("cell " + cell + ": removed " + leavingMember);
                int li = index(a.leaving());
                if (colony.isAlive(li)) {
                    Thread.sleep(1000); // the old configuration needs it for a few more slots
                    admin("DELETE", spec(a.leaving()).http(), "/admin/cells/" + cell, null);
                }
            }
            synchronized (engine) {
                engine.reportCaughtUp(a.id());
            }
            event("action #" + a.id() + " done: cell " + cell + " now on " + a.joining() + " instead of " + a.leaving());
        } catch (Exception e) {
            if (!added) {
                synchronized (engine) {
                    engine.reportAborted(a.id()); // nothing changed in the cell: the engine puts its model back
                }
                event("action #" + a.id() + " aborted before the add applied: " + e.getMessage());
            } else if (attempt < MAX_ATTEMPTS) {
                event("action #" + a.id() + " attempt " + attempt + " failed: " + e.getMessage() + "; retrying");
                loop.schedule(() -> workers.submit(() -> execute(a, attempt + 1)), 2, TimeUnit.SECONDS);
            } else {
                event("action #" + a.id() + " failed " + attempt + " times after the add applied: " + e.getMessage()
                        + "; it stays in flight (the cell gets no other action) until the launcher restarts");
            }
        }
    }

    private static String member(JsonArray config, String node) {
        if (config == null) {
            return null;
        }
        for (Object o : config) {
            if (o instanceof String s && s.substring(0, s.lastIndexOf('@')).equals(node)) {
                return s;
            }
        }
        return null;
    }

    private JsonObject statusFromAny(String cell, List<String> nodes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (String n : nodes) {
                try {
                    HttpResponse<String> r = admin("GET", spec(n).http(), "/admin/cells/" + cell, null);
                    if (r.statusCode() == 200) {
                        return new JsonObject(r.body());
                    }
                } catch (IOException e) {
                    // try the next member
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("no live member of cell " + cell + " answers");
    }

    /** Submits a membership change with one seq (so retries apply at most once), following redirects; retries while another change is pending. */
    private JsonObject membership(String cell, List<String> nodes, JsonObject change) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long s = seq.incrementAndGet();
        String last = "";
        int next = 0;
        String target = spec(nodes.get(0)).http();
        while (System.nanoTime() < deadline) {
            JsonObject body = change.copy().put("client", CLIENT_ID).put("seq", s);
            HttpResponse<String> r;
            try {
                r = admin("POST", target, "/admin/cells/" + cell + "/members", body.encode());
            } catch (IOException e) {
                last = e.toString();
                target = spec(nodes.get(++next % nodes.size())).http();
                Thread.sleep(200);
                continue;
            }
            if (r.statusCode() == 307) {
                String loc = r.headers().firstValue("Location").orElse("");
                target = URI.create(loc).getAuthority();
                continue;
            }
            if (r.statusCode() == 200) {
                JsonObject o = new JsonObject(r.body());
                if (o.getBoolean("applied", false)) {
                    return o;
                }
                last = o.getString("detail");
                s = seq.incrementAndGet(); // refused (a change is pending): a new command next time
            } else {
                last = "HTTP " + r.statusCode() + " " + r.body();
                if (r.statusCode() == 404 || r.statusCode() == 503) {
                    target = spec(nodes.get(++next % nodes.size())).http();
                }
            }
            Thread.sleep(300);
        }
        throw new IOException("membership change " + change.encode() + " in cell " + cell + " did not apply: " + last);
    }

    /** Until the new member's applied prefix reaches the add's slot and is within a slot of the best old member's. */
    private void awaitCaughtUp(String cell, String joining, List<String> others, long addSlot) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_TIMEOUT_MILLIS);
        String last = "";
        while (System.nanoTime() < deadline) {
            long best = -1;
            for (String n : others) {
                try {
                    HttpResponse<String> r = admin("GET", spec(n).http(), "/admin/cells/" + cell, null);
                    if (r.statusCode() == 200) {
                        best = Math.max(best, new JsonObject(r.body()).getLong("appliedUpTo"));
                    }
                } catch (IOException e) {
                    // a member may be down
                }
            }
            HttpResponse<String> mine = admin("GET", spec(joining).http(), "/admin/cells/" + cell, null);
            if (mine.statusCode() == 200) {
                long applied = new JsonObject(mine.body()).getLong("appliedUpTo");
                last = "new member at " + applied + ", best old member at " + best;
                if (applied > addSlot && best >= 0 && applied + 1 >= best) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("new member of cell " + cell + " on " + joining + " did not catch up: " + last);
    }

    private HttpResponse<String> admin(String method, String hostPort, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int index(String node) {
        for (int i = 0; i < colony.specs().size(); i++) {
            if (colony.specs().get(i).name().equals(node)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no node " + node);
    }

    private LocalColony.NodeSpec spec(String node) {
        return colony.specs().get(index(node));
    }

    // ---- operations behind the endpoint --------------------------------------------------------

    /** Places a cell by the rules and hosts it on the chosen nodes. */
    String create(String cell, List<String> clientRacks, int size, String color) throws Exception {
        List<Location> clients = new ArrayList<>();
        for (String rack : clientRacks) {
            NodeTopology any = topology.nodes().stream().filter(n -> n.rack().equals(rack)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no rack '" + rack + "' (racks: "
                            + topology.nodes().stream().map(NodeTopology::rack).distinct().sorted().toList() + ")"));
            clients.add(any.location());
        }
        PlacementRequest req = PlacementRequest.of(cell, clients).withSize(size);
        if (color != null) {
            req = req.withColor(color);
        }
        PlacementResult result;
        synchronized (engine) {
            if (engine.fleet().cell(cell).isPresent()) {
                throw new IllegalArgumentException("cell " + cell + " exists (members " + engine.fleet().cell(cell).get().memberNames() + ")");
            }
            result = engine.place(req);
        }
        if (result instanceof PlacementResult.Refused r) {
            event("refused cell " + cell + ": " + r.summary());
            return new JsonObject().put("cell", cell).put("placed", false).put("reasons", new JsonArray(r.reasons())).encode();
        }
        PlacementResult.Placed p = (PlacementResult.Placed) result;
        event("placed cell " + cell + " (" + p.color() + ") in row " + p.row() + " on " + p.members());
        PhysaliaClient client = new PhysaliaClient(p.members().stream().map(n -> spec(n).http()).toList());
        Response created = client.createCell(cell, p.members());
        return new JsonObject().put("cell", cell).put("placed", true).put("row", p.row()).put("color", p.color())
                .put("members", new JsonArray(p.members())).put("hosted", created.status())
                .put("nodes", new JsonObject(created.body()).getValue("nodes")).encode();
    }

    String status() {
        StringBuilder b = new StringBuilder();
        synchronized (engine) {
            b.append(engine.status().render()).append('\n');
            b.append(FleetReport.render(engine.fleet(), 12));
        }
        b.append("\nrecent events:\n");
        synchronized (events) {
            events.forEach(e -> b.append("  ").append(e).append('\n'));
        }
        return b.toString();
    }

    void pause(String reason) {
        synchronized (engine) {
            engine.pause(reason, now());
        }
        event("PAUSED: " + reason);
    }

    void resume() {
        synchronized (engine) {
            engine.resume();
        }
        event("resumed");
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        try {
            if (method.equals("GET") && path.equals("/status")) {
                reply(ex, 200, "text/plain", status());
            } else if (method.equals("POST") && path.equals("/pause")) {
                pause(q.getOrDefault("reason", "paused by operator"));
                reply(ex, 200, "text/plain", "paused\n");
            } else if (method.equals("POST") && path.equals("/resume")) {
                resume();
                reply(ex, 200, "text/plain", "resumed\n");
            } else if (method.equals("POST") && path.startsWith("/cells/")) {
                String cell = path.substring("/cells/".length());
                List<String> racks = q.containsKey("client-rack") ? List.of(q.get("client-rack").split(",")) : List.of();
                if (racks.isEmpty()) {
                    throw new IllegalArgumentException("give the clients' racks: client-rack=r1-k1[,r1-k2...]");
                }
                int size = q.containsKey("size") ? Integer.parseInt(q.get("size")) : defaultSize;
                String body = create(cell, racks, size, q.get("color"));
                reply(ex, body.contains("\"placed\":true") ? 200 : 409, "application/json", body + "\n");
            } else {
                reply(ex, 404, "text/plain", "routes: GET /status, POST /pause?reason=, POST /resume, POST /cells/{cell}?client-rack=&size=&color=\n");
            }
        } catch (IllegalArgumentException e) {
            reply(ex, 400, "text/plain", e.getMessage() + "\n");
        } catch (Exception e) {
            reply(ex, 500, "text/plain", e + "\n");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        workers.shutdownNow();
        if (server != null) {
            server.stop(0);
        }
    }
}
