package io.physalia.node;

import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The discovery routes: {@code GET /discovery/cells/{cell}} for clients (any node answers, asking
 * the cell's owners), {@code GET /discovery} (this node's share), and the node-to-node admin
 * routes that push entries and read one owner's copy.
 */
final class DiscoveryApi {
    private final HttpApi api;
    private final Node node;

    DiscoveryApi(HttpApi api, Node node) {
        this.api = api;
        this.node = node;
    }

    void lookup(RoutingContext rc) {
        String cell = rc.pathParam("cell");
        try {
            HttpApi.checkCell(cell);
            HttpApi.allowParams(rc);
        } catch (TxnJson.BadRequest e) {
            api.count(rc, "discovery_lookup", "bad_request");
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        Context here = node.vertx().getOrCreateContext();
        node.discovery().lookup(cell).onComplete(ar -> here.runOnContext(v -> {
            DiscoveryEntry e = ar.succeeded() ? ar.result() : null;
            if (e == null) {
                api.count(rc, "discovery_lookup", "unknown");
                HttpApi.error(rc, 404, "cell " + cell + " is not known to discovery: node " + node.config().name()
                        + " asked the owners of its entry " + node.discovery().owners(cell)
                        + " (a cell of another color is known to that color's nodes)");
            } else {
                api.count(rc, "discovery_lookup", "found");
                HttpApi.json(rc, 200, e.toJson());
            }
        }));
    }

    void status(RoutingContext rc) {
        try {
            HttpApi.allowParams(rc);
        } catch (TxnJson.BadRequest e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        Discovery d = node.discovery();
        HttpApi.json(rc, 200, new JsonObject().put("node", node.config().name()).put("copies", Discovery.COPIES)
                .put("nodes", new JsonArray(d.colorNodes())).put("entries", d.store.size())
                .put("pointers", d.pointers.size()).put("entriesPushed", d.entriesPushed.get())
                .put("pushesFailed", d.pushesFailed.get()));
    }

    /** {@code POST /admin/discovery} with {@code {"entries": [...]}}: a member pushes entries to an owner. */
    void accept(RoutingContext rc) {
        if (!api.authorized(rc)) {
            return;
        }
        List<DiscoveryEntry> entries = new ArrayList<>();
        try {
            JsonObject b = HttpApi.body(rc);
            TxnJson.allowOnly(b, "request", java.util.Set.of("entries"));
            if (!(b.getValue("entries") instanceof JsonArray a) || a.size() > Discovery.MAX_ENTRIES_PER_PUSH) {
                throw new TxnJson.BadRequest("request.entries must be an array of at most " + Discovery.MAX_ENTRIES_PER_PUSH + " entries");
            }
            for (int i = 0; i < a.size(); i++) {
                entries.add(DiscoveryEntry.parse(a.getValue(i), "entries[" + i + "]"));
            }
        } catch (TxnJson.BadRequest e) {
            api.count(rc, "discovery_push", "bad_request");
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        int newer = node.discovery().accept(entries);
        api.count(rc, "discovery_push", "ok");
        HttpApi.json(rc, 200, new JsonObject().put("accepted", entries.size()).put("newer", newer));
    }

    /** {@code GET /admin/discovery/cells/{cell}}: what this node knows by itself (an owner asked by another node). */
    void localLookup(RoutingContext rc) {
        if (!api.authorized(rc)) {
            return;
        }
        String cell = rc.pathParam("cell");
        try {
            HttpApi.checkCell(cell);
        } catch (TxnJson.BadRequest e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        Context here = node.vertx().getOrCreateContext();
        node.discovery().localLookup(cell).onComplete(ar -> here.runOnContext(v -> {
            DiscoveryEntry e = ar.succeeded() ? ar.result() : null;
            if (e == null) {
                HttpApi.error(rc, 404, "node " + node.config().name() + " holds no entry for cell " + cell);
            } else {
                HttpApi.json(rc, 200, e.toJson());
            }
        }));
    }
}
