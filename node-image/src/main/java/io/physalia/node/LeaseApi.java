package io.physalia.node;

import io.physalia.core.Utf8;
import io.physalia.core.cell.CellLimits;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.LeaseState;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Reply;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * First-class leases over HTTP: {@code POST /cells/{cell}/leases/{lease}/acquire|renew|release}
 * and {@code GET /cells/{cell}/leases/{lease}}. The cell decides who holds a lease from its log
 * alone; time enters only on the proposer, which lets a contender take over a grant only after
 * it has watched that grant unchanged for the clock-rate bound (a node setting, default 3) times
 * its duration on its own clock (no clock runs that much faster than another). So a holder that counts {@code durationMillis} from just before it sent
 * its acquire or renew on its own clock is safe, and it passes the fencing {@code token} to
 * whatever the lease guards.
 */
final class LeaseApi {
    /** Key read (and discarded) to put a lease inspection in the cell's linearizable order. */
    private static final String ORDERING_KEY = "physalia.lease-read";

    private final HttpApi api;
    private final Node node;

    LeaseApi(HttpApi api, Node node) {
        this.api = api;
        this.node = node;
    }

    void change(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        String lease = rc.pathParam("lease");
        String action = rc.pathParam("action");
        Command cmd;
        try {
            HttpApi.checkCell(cell);
            HttpApi.allowParams(rc);
            checkName(lease);
            cmd = parse(action, lease, HttpApi.body(rc));
        } catch (TxnJson.BadRequest e) {
            api.count(rc, "lease_" + safeAction(action), "bad_request");
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        ClientRequest cr = new ClientRequest.Submit(node.nextRequestId(), cmd);
        api.call(rc, cell, cr, "lease_" + action, reply -> {
            if (reply instanceof Reply.Applied a && a.result() instanceof CommandResult.Lease l) {
                HttpApi.highWater(rc, a.slot() + 1);
                int status = switch (l.status()) {
                    case GRANTED, RENEWED, RELEASED -> 200;
                    case HELD_BY_OTHER, NOT_HOLDER -> 409;
                    case INVALID -> 400;
                };
                JsonObject o = new JsonObject().put("cell", cell).put("lease", lease).put("status", l.status().name())
                        .put("holder", l.holder()).put("token", l.token()).put("version", l.version()).put("slot", a.slot());
                if (status != 200) {
                    o.put("error", explain(l.status()));
                }
                if (cmd instanceof Command.LeaseAcquire acq && l.status() == CommandResult.LeaseStatus.GRANTED) {
                    HttpApi.json(rc, status, o.put("durationMillis", acq.durationMillis()));
                } else if (l.status() == CommandResult.LeaseStatus.RENEWED) {
                    // a renewal keeps the grant's duration, which the cell holds: read it back (same token, so same grant)
                    Context here = node.vertx().getOrCreateContext();
                    node.inspect(cell, r -> r.state().lease(lease)).onComplete(ar -> here.runOnContext(v -> {
                        LeaseState now = ar.succeeded() ? ar.result() : null;
                        if (now != null && now.token() == l.token()) {
                            o.put("durationMillis", now.durationMillis());
                        }
                        HttpApi.json(rc, status, o);
                    }));
                } else {
                    HttpApi.json(rc, status, o);
                }
            } else {
                api.txnAnswer(rc, reply);
            }
        });
    }

    private static String safeAction(String action) {
        return Set.of("acquire", "renew", "release").contains(action) ? action : "unknown";
    }

    private static String explain(CommandResult.LeaseStatus s) {
        return switch (s) {
            case HELD_BY_OTHER -> "the lease is held by another holder; a takeover succeeds only once the leader has seen "
                    + "the grant unchanged for the clock-rate bound (--clock-rate-bound) times its duration";
            case NOT_HOLDER -> "holder and token do not name the current grant (it expired and was taken over, or was released)";
            case INVALID -> "the cell refused the lease: it already holds its maximum number of leases";
            default -> "";
        };
    }

    static Command parse(String action, String lease, JsonObject body) throws TxnJson.BadRequest {
        Set<String> allowed = switch (action) {
            case "acquire" -> Set.of("holder", "durationMillis", "client", "seq");
            case "renew", "release" -> Set.of("holder", "token", "client", "seq");
            default -> throw new TxnJson.BadRequest("lease action '" + action + "' must be acquire, renew or release");
        };
        TxnJson.allowOnly(body, "request", allowed);
        String holder = TxnJson.string(body, "holder", "request");
        checkName("holder", holder);
        TxnJson.Session session = TxnJson.session(body);
        String client = session != null ? session.client() : ""; // no session: applied once per request, not deduplicated
        long seq = session != null ? session.seq() : 0;
        if (action.equals("acquire")) {
            if (!body.containsKey("durationMillis")) {
                throw new TxnJson.BadRequest("request.durationMillis is missing (how long the holder may act, in ms)");
            }
            long d = TxnJson.longValue(body.getValue("durationMillis"), "request.durationMillis");
            long max = CellLimits.DEFAULT.maxLeaseMillis();
            if (d < 1 || d > max) {
                throw new TxnJson.BadRequest("request.durationMillis must be in 1.." + max + ", was " + d);
            }
            return new Command.LeaseAcquire(client, seq, lease, holder, d, 0);
        }
        if (!body.containsKey("token")) {
            throw new TxnJson.BadRequest("request.token is missing (the fencing token the acquire returned)");
        }
        long token = TxnJson.longValue(body.getValue("token"), "request.token");
        if (token < 1) {
            throw new TxnJson.BadRequest("request.token must be a positive integer, was " + token);
        }
        return action.equals("renew") ? new Command.LeaseRenew(client, seq, lease, holder, token)
                : new Command.LeaseRelease(client, seq, lease, holder, token);
    }

    private static void checkName(String lease) throws TxnJson.BadRequest {
        checkName("lease name", lease);
    }

    private static void checkName(String what, String s) throws TxnJson.BadRequest {
        if (s.isEmpty()) {
            throw new TxnJson.BadRequest(what + " must not be empty");
        }
        if (Utf8.firstUnpairedSurrogate(s) >= 0 || Utf8.encodedLength(s) > CellLimits.DEFAULT.maxNameBytes()) {
            throw new TxnJson.BadRequest(what + " must be valid UTF-8 of at most " + CellLimits.DEFAULT.maxNameBytes() + " bytes");
        }
    }

    /**
     * {@code GET /cells/{cell}/leases/{lease}}: who holds it, with consistency like a key read. A
     * read is ordered through the cell first; the lease is then read from this replica, whose
     * state is at least that new.
     */
    void inspect(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        String lease = rc.pathParam("lease");
        ClientRequest.ReadMode mode;
        long minSlot;
        try {
            HttpApi.checkCell(cell);
            HttpApi.allowParams(rc, "consistency", "minSlot");
            checkName(lease);
            mode = HttpApi.consistency(rc);
            minSlot = HttpApi.minSlot(rc);
        } catch (TxnJson.BadRequest e) {
            api.count(rc, "lease_get", "bad_request");
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        ClientRequest cr = new ClientRequest.Read(node.nextRequestId(),
                new Transaction(List.of(), List.of(new Op.Get(ORDERING_KEY))), mode, minSlot);
        Context here = node.vertx().getOrCreateContext();
        api.call(rc, cell, cr, "lease_get", reply -> {
            if (!(reply instanceof Reply.ReadResult rr)) {
                api.txnAnswer(rc, reply);
                return;
            }
            node.inspect(cell, r -> Optional.ofNullable(r.state().lease(lease))).onComplete(ar -> here.runOnContext(v -> {
                Optional<LeaseState> held = ar.succeeded() ? ar.result() : null;
                if (held == null) {
                    rc.response().putHeader("Retry-After", "1");
                    HttpApi.error(rc, 503, "cell " + cell + " stopped being hosted on node " + node.config().name() + " meanwhile");
                    return;
                }
                JsonObject o = new JsonObject().put("cell", cell).put("lease", lease).put("held", held.isPresent());
                held.ifPresent(l -> o.put("holder", l.holder()).put("token", l.token()).put("version", l.version())
                        .put("durationMillis", l.durationMillis()));
                HttpApi.highWater(rc, rr.appliedUpTo());
                HttpApi.json(rc, 200, o.put("appliedUpTo", rr.appliedUpTo()).put("servedLocally", rr.servedLocally()));
            }));
        });
    }
}
