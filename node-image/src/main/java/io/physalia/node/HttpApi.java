package io.physalia.node;

import io.physalia.client.admin.ReplicaStatus;
import io.physalia.core.cell.CellLimits;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's HTTP server (docs/openapi.yaml): the router, the client routes for transactions,
 * reads, scans and cell status, health and metrics, and the answers every cell route shares. A
 * node that is not the cell's leader answers 307 with the leader's URL, one the cell moved away
 * from answers 308 with its new members (neither request was proposed, so following is always
 * safe). Leases are in {@link LeaseApi}, discovery in {@link DiscoveryApi}, the control plane's
 * routes in {@link AdminApi}.
 */
final class HttpApi {
    static final long MAX_BODY_BYTES = 1024 * 1024;
    static final long ANSWER_TIMEOUT_MILLIS = 10_000;
    /** Response header: the session's high-water mark after this answer (pass it as minSlot). */
    static final String HIGH_WATER = "Physalia-High-Water";

    private final Node node;
    private final Vertx vertx;
    private final HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final LeaseApi leases;
    private final DiscoveryApi discovery;
    private final AdminApi adminApi;
    private final PeersApi peersApi;

    HttpApi(Node node) {
        this.node = node;
        this.vertx = node.vertx();
        this.leases = new LeaseApi(this, node);
        this.discovery = new DiscoveryApi(this, node);
        this.adminApi = new AdminApi(this, node);
        this.peersApi = new PeersApi(adminApi, node);
    }

    /** One server with every route: the admin routes share the HTTP port with the clients'. */
    HttpServer server() {
        return server(true, true);
    }

    /**
     * A server with the client routes, the admin routes ({@code /admin/*}), or both; health,
     * readiness and metrics are on every server (probes and scrapes reach either port).
     */
    HttpServer server(boolean clientRoutes, boolean adminRoutes) {
        Router r = Router.router(vertx);
        r.route().handler(Metrics::stampRequest);
        r.get("/healthz").handler(rc -> {
            boolean ok = node.log().failure() == null;
            json(rc, ok ? 200 : 503, new JsonObject().put("status", ok ? "ok" : "storage failed").put("node", node.config().name()));
        });
        r.get("/readyz").handler(rc -> {
            int alive = node.transport() == null ? 0 : node.transport().alivePeers(node.nowMillis());
            json(rc, node.isReady() ? 200 : 503, new JsonObject().put("ready", node.isReady())
                    .put("labels", new JsonObject(new LinkedHashMap<>(node.config().labels())))
                    .put("node", node.config().name()).put("peersAlive", alive).put("peers", node.peers().size())
                    .put("cells", node.cellCount()));
        });
        // off the event loop: the gauges read the census and every peer's liveness (cheap, but not free at 100,000 replicas)
        r.get("/metrics").handler(rc -> vertx.executeBlocking(() -> node.metrics().scrape(), false).onComplete(done -> {
            if (done.succeeded()) {
                rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(done.result());
            } else {
                rc.fail(done.cause());
            }
        }));
        if (adminRoutes) {
            BodyHandler adminBodies = BodyHandler.create().setBodyLimit(MAX_BODY_BYTES);
            BodyHandler peerBodies = BodyHandler.create().setBodyLimit(PeersApi.MAX_BODY_BYTES); // a directory of 10,000 peers
            r.route("/admin/*").handler(rc -> (rc.request().path().equals("/admin/peers") ? peerBodies : adminBodies).handle(rc));
            r.put("/admin/cells/:cell").handler(adminApi::adminHost);
            r.post("/admin/cells/:cell/members").handler(adminApi::adminMembership);
            r.put("/admin/cells/:cell/join").handler(adminApi::adminJoin);
            r.delete("/admin/cells/:cell").handler(adminApi::adminDrop);
            r.get("/admin/cells/:cell").handler(adminApi::adminStatus);
            r.get("/admin/cells").handler(adminApi::adminCells);
            r.put("/admin/peers").handler(peersApi::put);
            r.get("/admin/peers").handler(peersApi::get);
            r.post("/admin/discovery").handler(discovery::accept);
            r.get("/admin/discovery/cells/:cell").handler(discovery::localLookup);
        }
        if (clientRoutes) {
            r.get("/cells").handler(rc -> json(rc, 200, new JsonObject().put("node", node.config().name())
                    .put("cells", new JsonArray(node.hostedCells())).put("refused", new JsonArray(node.refusedCells()))));
            r.route("/cells/*").handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
            r.put("/cells/:cell").handler(this::createCell);
            r.get("/discovery").handler(discovery::status);
            r.get("/discovery/cells/:cell").handler(discovery::lookup);
            r.get("/cells/:cell").handler(this::cellStatus);
            r.post("/cells/:cell/txn").handler(this::txn);
            r.get("/cells/:cell/keys").handler(this::scan);
            r.get("/cells/:cell/keys/:key").handler(this::getKey);
            r.get("/cells/:cell/leases/:lease").handler(leases::inspect);
            r.post("/cells/:cell/leases/:lease/:action").handler(leases::change);
        } else {
            r.route("/cells/*").handler(rc -> error(rc, 404, "this is the admin port; the client routes are on port " + node.config().httpPort()));
        }
        if (!adminRoutes) {
            r.route("/admin/*").handler(rc -> error(rc, 404, "the admin routes are on the admin port " + node.config().adminPort()));
        }
        r.route().last().handler(rc -> error(rc, 404, "no such route: " + rc.request().method() + " " + rc.request().path()));
        r.errorHandler(413, rc -> error(rc, 413, "request body is larger than "
                + (rc.request().path().equals("/admin/peers") ? PeersApi.MAX_BODY_BYTES : MAX_BODY_BYTES) + " bytes"));
        r.errorHandler(405, rc -> error(rc, 405, "method " + rc.request().method() + " is not allowed on " + rc.request().path()));
        r.errorHandler(500, rc -> error(rc, 500, "internal error: " + rc.failure()));
        // HTTP/1.1 only: no cleartext HTTP/2 upgrade. The API is small JSON requests; the JDK HttpClient
        // asks for h2c on every new connection, and an upgraded connection was seen to stall a request
        // past its timeout (the test run never finished), so the upgrade is refused and answered in 1.1.
        return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(false).setHttp2ClearTextEnabled(false))
                .requestHandler(r);
    }

    // ---- cells -------------------------------------------------------------------------------

    Configuration parseMembers(RoutingContext rc) throws TxnJson.BadRequest {
        JsonObject body = body(rc);
        for (String f : body.fieldNames()) {
            if (!f.equals("members")) {
                throw new TxnJson.BadRequest("request has unknown field '" + f + "' (allowed: members)");
            }
        }
        if (!(body.getValue("members") instanceof JsonArray a) || a.isEmpty()) {
            throw new TxnJson.BadRequest("request.members must be a non-empty array of node names");
        }
        List<Member> members = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Object o : a) {
            if (!(o instanceof String n)) {
                throw new TxnJson.BadRequest("request.members must hold node names (strings)");
            }
            if (!node.knows(n)) {
                throw new TxnJson.BadRequest("request.members: unknown node '" + n + "' (known: " + known() + ")");
            }
            if (!seen.add(n)) {
                throw new TxnJson.BadRequest("request.members lists '" + n + "' twice");
            }
            members.add(Member.founding(n));
        }
        if (members.size() > CellLimits.MAX_MEMBERS) {
            throw new TxnJson.BadRequest("request.members: at most " + CellLimits.MAX_MEMBERS + " members");
        }
        return new Configuration(members);
    }

    /** The nodes a cell here may name, for an error message: at most 20 of them (a directory may hold 10,000). */
    String known() {
        Set<String> k = new TreeSet<>(node.peers().snapshot().keySet());
        k.add(node.config().name());
        if (k.size() <= 20) {
            return k.toString();
        }
        return k.stream().limit(20).toList().toString().replace("]", ", ... " + (k.size() - 20) + " more]");
    }

    private void createCell(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        Configuration members;
        try {
            checkCell(cell);
            members = parseMembers(rc);
        } catch (TxnJson.BadRequest e) {
            count(rc, "create", "bad_request");
            error(rc, 400, e.getMessage());
            return;
        }
        Context here = vertx.getOrCreateContext();
        Map<String, String> results = new LinkedHashMap<>();
        List<Future<?>> all = new ArrayList<>();
        String body = new JsonObject().put("members", new JsonArray(new ArrayList<>(Node.nodes(members)))).encode();
        for (String m : Node.nodes(members)) {
            if (m.equals(node.config().name())) {
                all.add(node.host(cell, members).andThen(ar -> record(results, m, ar.succeeded()
                        ? ar.result().name().toLowerCase() : "error: " + ar.cause().getMessage())));
            } else {
                all.add(forwardCreate(m, cell, body).andThen(ar -> record(results, m, ar.result())));
            }
        }
        Future.join(all).onComplete(ar -> here.runOnContext(v -> {
            long ok = results.values().stream().filter(s -> s.equals("created") || s.equals("exists")).count();
            boolean created = results.containsValue("created");
            int status = ok == results.size() ? (created ? 201 : 200) : ok >= members.quorumSize() ? 202 : 503;
            count(rc, "create", status < 300 ? "ok" : "incomplete");
            if (status == 503) {
                rc.response().putHeader("Retry-After", "1");
            }
            json(rc, status, new JsonObject().put("cell", cell).put("members", new JsonArray(new ArrayList<>(Node.nodes(members))))
                    .put("nodes", new JsonObject(new LinkedHashMap<>(results))));
        }));
    }

    private static void record(Map<String, String> results, String node, String outcome) {
        synchronized (results) {
            results.put(node, outcome);
        }
    }

    private Future<String> forwardCreate(String peer, String cell, String body) {
        String addr = node.adminAddress(peer);
        if (addr == null) {
            return Future.succeededFuture("error: node " + peer + " has not been heard from");
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + addr + "/admin/cells/" + cell))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + node.keys().adminToken())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return Future.fromCompletionStage(admin.sendAsync(req, HttpResponse.BodyHandlers.ofString())
                .handle((resp, err) -> {
                    if (err != null) {
                        return "error: " + err.getMessage();
                    }
                    if (resp.statusCode() == 201) {
                        return "created";
                    }
                    if (resp.statusCode() == 200) {
                        return "exists";
                    }
                    return "error: HTTP " + resp.statusCode() + " " + resp.body();
                }));
    }

    /** Answers 401 and returns false unless the request carries the colony's admin token. */
    boolean authorized(RoutingContext rc) {
        return adminApi.authorized(rc);
    }

    // ---- transactions and reads --------------------------------------------------------------

    private void txn(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        TxnJson.TxnRequest req;
        ClientRequest.ReadMode mode;
        long minSlot;
        try {
            checkCell(cell);
            allowParams(rc, "consistency", "minSlot");
            mode = consistency(rc);
            minSlot = minSlot(rc);
            req = TxnJson.parseTxn(body(rc));
        } catch (TxnJson.BadRequest e) {
            count(rc, "txn", "bad_request");
            error(rc, 400, e.getMessage());
            return;
        }
        long id = node.nextRequestId();
        Transaction t = req.txn();
        ClientRequest cr;
        String op;
        if (t.isReadOnly() && req.clientId() == null) {
            cr = new ClientRequest.Read(id, t, mode, minSlot);
            op = "read_txn";
        } else {
            // without a session the write has none (""): a made-up id could repeat after a restart
            // and be answered with another write's recorded result, and it would evict real sessions
            String client = req.clientId() != null ? req.clientId() : "";
            cr = new ClientRequest.Submit(id, new Command.ClientTxn(client, req.clientId() != null ? req.seq() : 0, t));
            op = "txn";
        }
        call(rc, cell, cr, op, reply -> txnAnswer(rc, reply));
    }

    private void getKey(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        String key = rc.pathParam("key");
        ClientRequest.ReadMode mode;
        long minSlot;
        try {
            checkCell(cell);
            allowParams(rc, "consistency", "minSlot");
            mode = consistency(rc);
            minSlot = minSlot(rc);
        } catch (TxnJson.BadRequest e) {
            count(rc, "get", "bad_request");
            error(rc, 400, e.getMessage());
            return;
        }
        long id = node.nextRequestId();
        ClientRequest cr = new ClientRequest.Read(id, new Transaction(List.of(), List.of(new Op.Get(key))), mode, minSlot);
        call(rc, cell, cr, "get", reply -> {
            if (reply instanceof Reply.ReadResult rr && rr.result().results().size() == 1
                    && rr.result().results().get(0) instanceof OpResult.Read read) {
                JsonObject o = new JsonObject().put("cell", cell).put("key", key).put("found", read.found() != null);
                if (read.found() != null) {
                    o.put("value", TxnJson.render(read.found().value())).put("version", read.found().version());
                }
                readAnswer(rc, rr, o);
            } else {
                txnAnswer(rc, reply);
            }
        });
    }

    /** A read's 200: {@code o} with where in the log it was read, and the session's high-water header. */
    private static void readAnswer(RoutingContext rc, Reply.ReadResult rr, JsonObject o) {
        highWater(rc, rr.appliedUpTo());
        json(rc, 200, o.put("appliedUpTo", rr.appliedUpTo()).put("servedLocally", rr.servedLocally()));
    }

    /**
     * {@code GET /cells/{cell}/keys?prefix=&start=&end=&pageToken=&pageSize=}: one page of a scan,
     * with {@code nextPageToken} (null on the last page) to ask for the next.
     */
    private void scan(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        ClientRequest.ReadMode mode;
        long minSlot;
        Op.Scan scan;
        try {
            checkCell(cell);
            allowParams(rc, "prefix", "start", "end", "pageToken", "pageSize", "consistency", "minSlot");
            mode = consistency(rc);
            minSlot = minSlot(rc);
            String size = rc.request().getParam("pageSize");
            int pageSize = TxnJson.DEFAULT_PAGE_SIZE;
            if (size != null) {
                try {
                    pageSize = Integer.parseInt(size);
                } catch (NumberFormatException e) {
                    throw new TxnJson.BadRequest("pageSize '" + size + "' must be an integer (1 to the cell's page limit)");
                }
            }
            scan = new Op.Scan(rc.request().getParam("prefix"), rc.request().getParam("start"), rc.request().getParam("end"),
                    rc.request().getParam("pageToken"), pageSize);
        } catch (TxnJson.BadRequest e) {
            count(rc, "scan", "bad_request");
            error(rc, 400, e.getMessage());
            return;
        }
        ClientRequest cr = new ClientRequest.Read(node.nextRequestId(), new Transaction(List.of(), List.of(scan)), mode, minSlot);
        call(rc, cell, cr, "scan", reply -> {
            if (reply instanceof Reply.ReadResult rr && rr.result().results().size() == 1
                    && rr.result().results().get(0) instanceof OpResult.ScanPage page) {
                JsonObject o = TxnJson.render(page).put("cell", cell).put("revision", rr.result().revision());
                readAnswer(rc, rr, o);
            } else {
                txnAnswer(rc, reply);
            }
        });
    }

    /**
     * {@code GET /cells/{cell}}: this node's replica of the cell (what {@code physalia cell-status}
     * shows for each member), with the members' HTTP addresses. 308 if the cell moved away.
     */
    private void cellStatus(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        try {
            checkCell(cell);
            allowParams(rc);
        } catch (TxnJson.BadRequest e) {
            error(rc, 400, e.getMessage());
            return;
        }
        if (refusedAnswer(rc, cell, "status")) {
            return;
        }
        Context here = vertx.getOrCreateContext();
        node.replicaStatus(cell).onComplete(ar -> here.runOnContext(v -> {
            ReplicaStatus st = ar.succeeded() ? ar.result() : null;
            if (st == null) {
                notHosted(rc, cell, "status");
                return;
            }
            JsonArray members = new JsonArray();
            for (Member m : st.configuration()) {
                String name = m.node().name();
                members.add(new JsonObject().put("node", name).put("http", node.transport().httpAddress(name)));
            }
            highWater(rc, st.appliedUpTo());
            json(rc, 200, new JsonObject(st.toJson()).put("members", members));
        }));
    }

    void call(RoutingContext rc, String cell, ClientRequest cr, String op, java.util.function.Consumer<Reply> onReply) {
        if (refusedAnswer(rc, cell, op)) {
            return;
        }
        Context here = vertx.getOrCreateContext();
        AtomicBoolean answered = new AtomicBoolean();
        long timer = vertx.setTimer(ANSWER_TIMEOUT_MILLIS, t -> {
            if (answered.compareAndSet(false, true)) {
                node.forget(cell, cr.requestId());
                count(rc, op, "timeout");
                outcomeUnknown(rc, cr instanceof ClientRequest.Submit, "no answer from the replica within " + ANSWER_TIMEOUT_MILLIS + " ms", null);
            }
        });
        boolean hosted = node.request(cell, cr, reply -> here.runOnContext(v -> {
            if (answered.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                count(rc, op, result(reply));
                onReply.accept(reply);
            }
        }));
        if (!hosted) {
            vertx.cancelTimer(timer);
            notHosted(rc, cell, op);
        }
    }

    /** Answers 503 and returns true if the cell's records are damaged on this node. */
    private boolean refusedAnswer(RoutingContext rc, String cell, String op) {
        if (!node.isRefused(cell)) {
            return false;
        }
        count(rc, op, "unavailable");
        rc.response().putHeader("Retry-After", "5");
        error(rc, 503, "cell " + cell + " is refused on node " + node.config().name() + ": its durable records are damaged");
        return true;
    }

    /**
     * The cell is not hosted here: 308 to its new members if it moved away (a forwarding
     * pointer; the body lists them with the configuration's epoch), else 404.
     */
    private void notHosted(RoutingContext rc, String cell, String op) {
        DiscoveryEntry moved = node.discovery().pointers.get(cell);
        if (moved == null) {
            count(rc, op, "not_hosted");
            error(rc, 404, "cell " + cell + " is not hosted on node " + node.config().name());
            return;
        }
        count(rc, op, "moved");
        moved = moved.withAddresses(n -> node.transport().httpAddress(n));
        JsonObject body = moved.toJson().put("error", "cell " + cell + " moved away from node " + node.config().name())
                .put("moved", true);
        List<String> addresses = new ArrayList<>();
        for (DiscoveryEntry.Located l : moved.members()) {
            if (l.http() != null) {
                addresses.add(l.http());
            }
        }
        if (addresses.isEmpty()) {
            json(rc, 404, body); // the pointer names nodes whose addresses are unknown here: ask discovery
            return;
        }
        String to = addresses.get(java.util.concurrent.ThreadLocalRandom.current().nextInt(addresses.size()));
        rc.response().putHeader("Location", "http://" + to + rc.request().uri());
        json(rc, 308, body);
    }

    void txnAnswer(RoutingContext rc, Reply reply) {
        switch (reply) {
            case Reply.Applied a -> {
                highWater(rc, a.slot() + 1);
                switch (a.result()) {
                    case CommandResult.Txn t -> json(rc, 200, TxnJson.render(t.result()).put("slot", a.slot()));
                    case CommandResult.Stale s -> json(rc, 409, new JsonObject().put("status", "STALE")
                            .put("error", "seq is older than the client's latest applied seq " + s.latestSeq())
                            .put("latestSeq", s.latestSeq()));
                    default -> json(rc, 200, new JsonObject().put("status", "APPLIED").put("slot", a.slot())
                            .put("detail", a.result().toString()));
                }
            }
            case Reply.ReadResult r -> {
                highWater(rc, r.appliedUpTo());
                json(rc, 200, TxnJson.render(r.result()).put("appliedUpTo", r.appliedUpTo()).put("servedLocally", r.servedLocally()));
            }
            case Reply.Redirect r -> {
                // an admin request (a membership change) goes on to the leader's admin routes, a client's to its client routes
                String addr = r.leaderHint() == null ? null : rc.request().path().startsWith("/admin/")
                        ? node.adminAddress(r.leaderHint().name()) : node.transport().httpAddress(r.leaderHint().name());
                if (addr != null) {
                    rc.response().putHeader("Location", "http://" + addr + rc.request().uri());
                    json(rc, 307, new JsonObject().put("error", "not the leader").put("leader", r.leaderHint().name()));
                } else {
                    rc.response().putHeader("Retry-After", "1");
                    json(rc, 503, new JsonObject().put("error", "not the leader, and the leader's address is unknown")
                            .put("leader", r.leaderHint() == null ? null : r.leaderHint().name()));
                }
            }
            case Reply.OutcomeUnknown u -> outcomeUnknown(rc, true, "the write was proposed but leadership was lost "
                    + "or time ran out; it may or may not apply: retry with the same client and seq",
                    u.leaderHint() == null ? null : u.leaderHint().name());
            case Reply.Overloaded o -> {
                rc.response().putHeader("Retry-After", Long.toString(Math.max(1, (o.retryAfterMillis() + 999) / 1000)));
                json(rc, 429, new JsonObject().put("error", "cell overloaded; retry later").put("retryAfterMillis", o.retryAfterMillis()));
            }
            case Reply.Rejected r -> error(rc, 400, r.reason());
            case Reply.Unavailable u -> {
                rc.response().putHeader("Retry-After", "1");
                error(rc, 503, u.reason());
            }
        }
    }

    private void outcomeUnknown(RoutingContext rc, boolean write, String message, String leader) {
        if (write) {
            rc.response().putHeader("Physalia-Outcome", "unknown");
        }
        json(rc, 504, new JsonObject().put("error", message).put("outcome", write ? "unknown" : "not applied")
                .put("leader", leader));
    }

    private static String result(Reply r) {
        return switch (r) {
            case Reply.Applied a -> "applied";
            case Reply.ReadResult x -> "read";
            case Reply.Redirect x -> "redirect";
            case Reply.OutcomeUnknown x -> "outcome_unknown";
            case Reply.Overloaded x -> "overloaded";
            case Reply.Rejected x -> "rejected";
            case Reply.Unavailable x -> "unavailable";
        };
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Sets the session high-water mark header: an eventual read with this minSlot sees at least this state. */
    static void highWater(RoutingContext rc, long slot) {
        if (!rc.response().headWritten()) {
            rc.response().putHeader(HIGH_WATER, Long.toString(slot));
        }
    }

    /** Refuses query parameters the route does not take (a typo must not be silently ignored). */
    static void allowParams(RoutingContext rc, String... allowed) throws TxnJson.BadRequest {
        for (String p : rc.queryParams().names()) {
            if (!List.of(allowed).contains(p)) {
                throw new TxnJson.BadRequest("unknown query parameter '" + p + "'"
                        + (allowed.length == 0 ? " (this route takes none)" : " (allowed: " + String.join(", ", allowed) + ")"));
            }
        }
    }

    static void checkCell(String cell) throws TxnJson.BadRequest {
        Optional<String> problem = CellLimits.cellNameProblem(cell);
        if (problem.isPresent()) {
            throw new TxnJson.BadRequest(problem.get());
        }
    }

    static ClientRequest.ReadMode consistency(RoutingContext rc) throws TxnJson.BadRequest {
        String c = rc.request().getParam("consistency");
        if (c == null || c.equals("linearizable")) {
            return ClientRequest.ReadMode.LINEARIZABLE;
        }
        if (c.equals("eventual")) {
            return ClientRequest.ReadMode.EVENTUAL;
        }
        throw new TxnJson.BadRequest("consistency '" + c + "' must be linearizable or eventual");
    }

    /** {@code minSlot}: an eventual read waits until the replica has applied this far (monotonic reads). */
    static long minSlot(RoutingContext rc) throws TxnJson.BadRequest {
        String m = rc.request().getParam("minSlot");
        if (m == null) {
            return 0;
        }
        try {
            long v = Long.parseLong(m);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new TxnJson.BadRequest("minSlot '" + m + "' must be a non-negative integer (an appliedUpTo seen before)");
        }
    }

    static JsonObject body(RoutingContext rc) throws TxnJson.BadRequest {
        if (rc.body() == null || rc.body().buffer() == null || rc.body().length() == 0) {
            throw new TxnJson.BadRequest("request body is empty; expected a JSON object");
        }
        try {
            Object v = io.vertx.core.json.Json.decodeValue(rc.body().buffer());
            if (!(v instanceof JsonObject o)) {
                throw new TxnJson.BadRequest("request body must be a JSON object");
            }
            return o;
        } catch (DecodeException e) {
            throw new TxnJson.BadRequest("request body is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    void count(RoutingContext rc, String op, String result) {
        node.metrics().request(rc, op, result);
    }

    static void json(RoutingContext rc, int status, JsonObject body) {
        if (rc.response().ended()) {
            return;
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    static void error(RoutingContext rc, int status, String message) {
        json(rc, status, new JsonObject().put("error", message));
    }
}
