package io.physalia.node;

import io.physalia.core.cell.CellLimits;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Configuration;
import io.physalia.client.admin.ReplicaStatus;
import io.physalia.core.cell.Member;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Reply;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin routes the control plane and other nodes use, all behind the colony's admin token:
 * host a cell, join one as a new member, propose a membership change, drop a cell, and read the
 * status of one replica or of every replica hosted here. The peer directory's routes are in
 * {@link PeersApi}.
 */
final class AdminApi {
    /** The most replicas one {@code GET /admin/cells} answers with (and its default {@code limit}). */
    static final int MAX_CELLS_LISTED = 10_000;

    private final HttpApi api;
    private final Node node;

    AdminApi(HttpApi api, Node node) {
        this.api = api;
        this.node = node;
    }

    /** Answers 401 and returns false unless the request carries the colony's admin token. */
    boolean authorized(RoutingContext rc) {
        String auth = rc.request().getHeader("Authorization");
        // any key of the key file: nodes switch signing keys one at a time during a rotation
        if (auth == null || !auth.startsWith("Bearer ") || !node.keys().isAdminToken(auth.substring("Bearer ".length()))) {
            HttpApi.error(rc, 401, "admin routes need the colony's admin token");
            return false;
        }
        return true;
    }

    private Member parseMember(Object o, String where) throws TxnJson.BadRequest {
        if (!(o instanceof String s)) {
            throw new TxnJson.BadRequest(where + " must be a member as \"node@incarnation\"");
        }
        Member m;
        try {
            m = Member.parse(s);
        } catch (IllegalArgumentException e) {
            throw new TxnJson.BadRequest(where + ": " + e.getMessage());
        }
        if (!node.knows(m.node().name())) {
            throw new TxnJson.BadRequest(where + ": unknown node '" + m.node().name() + "' (known: " + api.known() + ")");
        }
        return m;
    }


    /**
     * {@code POST /admin/cells/{cell}/members} with {@code {"add": "n5"}} or {@code {"remove":
     * "n3@0"}}, and {@code client} and {@code seq} (the change applies at most once). The leader
     * proposes it; any other member answers 307 to the leader.
     */
    void adminMembership(RoutingContext rc) {
        if (!authorized(rc)) {
            return;
        }
        String cell = rc.pathParam("cell");
        io.physalia.core.cell.Command cmd;
        try {
            HttpApi.checkCell(cell);
            JsonObject b = HttpApi.body(rc);
            for (String f : b.fieldNames()) {
                if (!List.of("add", "remove", "client", "seq").contains(f)) {
                    throw new TxnJson.BadRequest("request has unknown field '" + f + "' (allowed: add, remove, client, seq)");
                }
            }
            if (!(b.getValue("client") instanceof String client) || client.isBlank() || !(b.getValue("seq") instanceof Number seq)) {
                throw new TxnJson.BadRequest("request needs client (a string) and seq (a number)");
            }
            if (b.containsKey("add") == b.containsKey("remove")) {
                throw new TxnJson.BadRequest("give exactly one of add (a node name) and remove (node@incarnation)");
            }
            if (b.containsKey("add")) {
                if (!(b.getValue("add") instanceof String n) || !node.knows(n)) {
                    throw new TxnJson.BadRequest("add must name a known node (known: " + api.known() + ")");
                }
                cmd = new Command.AddMember(client, seq.longValue(), new io.physalia.core.cell.NodeId(n));
            } else {
                cmd = new Command.RemoveMember(client, seq.longValue(), parseMember(b.getValue("remove"), "remove"));
            }
        } catch (TxnJson.BadRequest e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        ClientRequest cr = new ClientRequest.Submit(node.nextRequestId(), cmd);
        api.call(rc, cell, cr, "membership", reply -> {
            if (reply instanceof Reply.Applied a && a.result() instanceof CommandResult.Membership m) {
                JsonArray pending = null;
                if (m.pending() != null) {
                    pending = new JsonArray();
                    for (Member x : m.pending().members()) {
                        pending.add(x.text());
                    }
                }
                HttpApi.json(rc, 200, new JsonObject().put("cell", cell).put("applied", m.applied()).put("detail", m.detail())
                        .put("slot", a.slot()).put("pending", pending));
            } else {
                api.txnAnswer(rc, reply);
            }
        });
    }

    /** {@code PUT /admin/cells/{cell}/join} with {@code {"member": "n5@12", "members": ["n1@0", ...]}}. */
    void adminJoin(RoutingContext rc) {
        if (!authorized(rc)) {
            return;
        }
        String cell = rc.pathParam("cell");
        Member self;
        Configuration joined;
        try {
            HttpApi.checkCell(cell);
            JsonObject b = HttpApi.body(rc);
            self = parseMember(b.getValue("member"), "member");
            if (!(b.getValue("members") instanceof JsonArray a) || a.isEmpty() || a.size() > CellLimits.MAX_MEMBERS) {
                throw new TxnJson.BadRequest("members must be the joined configuration: " + CellLimits.MIN_MEMBERS + "-"
                        + CellLimits.MAX_MEMBERS + " members as node@incarnation");
            }
            List<Member> ms = new ArrayList<>();
            for (Object o : a) {
                ms.add(parseMember(o, "members"));
            }
            joined = new Configuration(ms);
        } catch (TxnJson.BadRequest | IllegalArgumentException e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        Context here = node.vertx().getOrCreateContext();
        node.join(cell, self, joined).onComplete(ar -> here.runOnContext(v -> {
            if (ar.succeeded()) {
                HttpApi.json(rc, ar.result() == Node.HostResult.CREATED ? 201 : 200, new JsonObject().put("cell", cell)
                        .put("member", self.text()).put("result", ar.result().name().toLowerCase()));
            } else {
                HttpApi.error(rc, 409, ar.cause().getMessage());
            }
        }));
    }

    void adminDrop(RoutingContext rc) {
        if (!authorized(rc)) {
            return;
        }
        String cell = rc.pathParam("cell");
        Context here = node.vertx().getOrCreateContext();
        node.drop(cell).onComplete(ar -> here.runOnContext(v -> HttpApi.json(rc, ar.result() ? 200 : 404,
                new JsonObject().put("cell", cell).put("dropped", ar.result()))));
    }

    void adminStatus(RoutingContext rc) {
        if (!authorized(rc)) {
            return;
        }
        String cell = rc.pathParam("cell");
        Context here = node.vertx().getOrCreateContext();
        node.replicaStatus(cell).onComplete(ar -> here.runOnContext(v -> {
            if (ar.result() == null) {
                HttpApi.error(rc, 404, "cell " + cell + " is not hosted on node " + node.config().name());
            } else {
                HttpApi.json(rc, 200, new JsonObject(ar.result().toJson()));
            }
        }));
    }

    /**
     * {@code GET /admin/cells?limit=&after=}: the status of every replica hosted here, in cell
     * name order, each exactly as {@code GET /admin/cells/{cell}} renders it. At most
     * {@code limit} (default and most {@value #MAX_CELLS_LISTED}) after the cell {@code after};
     * {@code truncated} says more follow, from {@code next} (pass it as {@code after}).
     */
    void adminCells(RoutingContext rc) {
        if (!authorized(rc)) {
            return;
        }
        int limit = MAX_CELLS_LISTED;
        String after;
        try {
            HttpApi.allowParams(rc, "limit", "after");
            String l = rc.request().getParam("limit");
            if (l != null) {
                try {
                    limit = Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    limit = -1;
                }
                if (limit < 1 || limit > MAX_CELLS_LISTED) {
                    throw new TxnJson.BadRequest("limit '" + l + "' must be an integer from 1 to " + MAX_CELLS_LISTED);
                }
            }
            after = rc.request().getParam("after");
            if (after != null) {
                HttpApi.checkCell(after);
            }
        } catch (TxnJson.BadRequest e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        List<String> names = node.hostedCells(); // sorted by name
        int from = 0;
        if (after != null) {
            int i = java.util.Collections.binarySearch(names, after);
            from = i >= 0 ? i + 1 : -i - 1;
        }
        List<String> page = names.subList(from, Math.min(names.size(), from + limit));
        boolean truncated = from + page.size() < names.size();
        List<io.vertx.core.Future<ReplicaStatus>> statuses = new ArrayList<>(page.size());
        for (String cell : page) {
            statuses.add(node.replicaStatus(cell));
        }
        Context here = node.vertx().getOrCreateContext();
        io.vertx.core.Future.join(statuses).onComplete(ar -> here.runOnContext(v -> {
            JsonArray cells = new JsonArray();
            for (io.vertx.core.Future<ReplicaStatus> s : statuses) {
                if (s.succeeded() && s.result() != null) { // null: dropped since the list was taken
                    cells.add(new JsonObject(s.result().toJson()));
                }
            }
            HttpApi.json(rc, 200, new JsonObject().put("node", node.config().name()).put("cells", cells)
                    .put("truncated", truncated).put("next", truncated ? page.get(page.size() - 1) : null));
        }));
    }

    void adminHost(RoutingContext rc) {
        if (!authorized(rc)) {
            return;
        }
        String cell = rc.pathParam("cell");
        Configuration members;
        try {
            HttpApi.checkCell(cell);
            members = api.parseMembers(rc);
        } catch (TxnJson.BadRequest e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        Context here = node.vertx().getOrCreateContext();
        node.host(cell, members).onComplete(ar -> here.runOnContext(v -> {
            if (ar.succeeded()) {
                HttpApi.json(rc, ar.result() == Node.HostResult.CREATED ? 201 : 200, new JsonObject().put("cell", cell)
                        .put("result", ar.result().name().toLowerCase()));
            } else {
                HttpApi.error(rc, 409, ar.cause().getMessage());
            }
        }));
    }
}
