package io.physalia.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code PUT /admin/peers} and {@code GET /admin/peers}: the control plane sets, and reads, the
 * node's {@link PeerDirectory}, behind the admin token. A PUT gives the whole directory (not a
 * change), so the control plane can repeat it at will (after a node restarts, which forgets
 * what it was told, or when unsure a push arrived) and a repeat changes nothing.
 */
final class PeersApi {
    /**
     * Bodies of this route may be larger than the other admin routes': 10,000 entries of a 63-byte
     * name, a 253-byte DNS name with its port and a 63-byte color are about 4.3 MB of JSON.
     */
    static final long MAX_BODY_BYTES = 8L * 1024 * 1024;
    /** At most this many problems are listed in one answer; the rest are counted. */
    private static final int MAX_PROBLEMS = 10;
    /** A DNS name or IPv4 address, or an IPv6 literal in brackets. */
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
                    + "|\\[[0-9A-Fa-f:.]{2,45}]");

    private final AdminApi admin;
    private final Node node;

    PeersApi(AdminApi admin, Node node) {
        this.admin = admin;
        this.node = node;
    }

    /** {@code PUT /admin/peers} with {@code {"peers": {"n2": {"address": "host:port", "color": "blue"}, ...}}}. */
    void put(RoutingContext rc) {
        if (!admin.authorized(rc)) {
            return;
        }
        Map<String, PeerDirectory.Peer> next;
        try {
            HttpApi.allowParams(rc);
            next = parse(HttpApi.body(rc), node.config().name(), node.config().color());
        } catch (TxnJson.BadRequest e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        // The swap is a few microseconds per entry; dials and closes then run on the transport's context.
        PeerDirectory.Change change = node.peers().replace(next);
        if (!change.isEmpty()) {
            node.transport().directoryChanged();
        }
        HttpApi.json(rc, 200, new JsonObject().put("peers", change.peers()).put("added", new JsonArray(change.added()))
                .put("removed", new JsonArray(change.removed())).put("changed", new JsonArray(change.changed())));
    }

    /** {@code GET /admin/peers}: the directory, each peer with its address, color and liveness. */
    void get(RoutingContext rc) {
        if (!admin.authorized(rc)) {
            return;
        }
        try {
            HttpApi.allowParams(rc);
        } catch (TxnJson.BadRequest e) {
            HttpApi.error(rc, 400, e.getMessage());
            return;
        }
        long now = node.nowMillis();
        PeerTransport t = node.transport();
        PeerDirectory dir = node.peers();
        JsonObject peers = new JsonObject();
        for (PeerDirectory.Peer p : new TreeMap<>(dir.snapshot()).values()) {
            peers.put(p.name(), new JsonObject().put("address", p.address().toString()).put("color", p.color())
                    .put("talks", dir.talksTo(p.name())).put("alive", t.alive(p.name(), now))
                    .put("http", t.httpAddress(p.name())));
        }
        HttpApi.json(rc, 200, new JsonObject().put("node", node.config().name()).put("color", node.config().color())
                .put("known", peers.size()).put("alive", t.alivePeers(now)).put("peers", peers));
    }

    /**
     * The directory a PUT body gives, every entry checked: a node name, an address as host:port,
     * and a color when this node has one. An entry for {@code self} is ignored (the control plane
     * may send every node the same list). Every problem found (up to {@value #MAX_PROBLEMS}) is
     * named, by entry and field.
     */
    static Map<String, PeerDirectory.Peer> parse(JsonObject body, String self, String myColor) throws TxnJson.BadRequest {
        for (String f : body.fieldNames()) {
            if (!f.equals("peers")) {
                throw new TxnJson.BadRequest("request has unknown field '" + f + "' (allowed: peers)");
            }
        }
        if (!(body.getValue("peers") instanceof JsonObject peers)) {
            throw new TxnJson.BadRequest("peers must be an object of node name to {\"address\": \"host:port\", \"color\": \"...\"}"
                    + " (an empty object for no peers)");
        }
        int others = peers.size() - (peers.containsKey(self) ? 1 : 0);
        if (others > PeerDirectory.MAX_PEERS) {
            throw new TxnJson.BadRequest("peers has " + others + " entries; a node takes at most " + PeerDirectory.MAX_PEERS);
        }
        Map<String, PeerDirectory.Peer> result = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> e : peers) {
            String name = e.getKey();
            if (name.equals(self)) {
                continue;
            }
            String problem = entryProblem(name, e.getValue(), myColor);
            if (problem != null) {
                problems.add(problem);
                continue;
            }
            JsonObject o = (JsonObject) e.getValue();
            result.put(name, new PeerDirectory.Peer(name, NodeConfig.hostPort(o.getString("address")), o.getString("color")));
        }
        if (!problems.isEmpty()) {
            String shown = String.join("; ", problems.subList(0, Math.min(MAX_PROBLEMS, problems.size())));
            throw new TxnJson.BadRequest(problems.size() > MAX_PROBLEMS
                    ? shown + "; and " + (problems.size() - MAX_PROBLEMS) + " more problems" : shown);
        }
        return result;
    }

    /** What is wrong with one entry, or null if nothing. */
    private static String entryProblem(String name, Object value, String myColor) {
        String where = "peers." + name;
        if (!NodeConfig.NAME.matcher(name).matches()) {
            return "peers: '" + name + "' is not a node name (1-63 letters, digits, '.', '_' or '-', starting with a letter or digit)";
        }
        if (!(value instanceof JsonObject o)) {
            return where + " must be an object {\"address\": \"host:port\", \"color\": \"...\"}";
        }
        for (String f : o.fieldNames()) {
            if (!f.equals("address") && !f.equals("color")) {
                return where + " has unknown field '" + f + "' (allowed: address, color)";
            }
        }
        if (!(o.getValue("address") instanceof String address)) {
            return where + ".address is missing: give the peer's host:port (its --peer-port)";
        }
        NodeConfig.HostPort hp = NodeConfig.hostPort(address);
        if (hp == null || !HOST.matcher(hp.host()).matches()) {
            return where + ".address '" + address + "' is not host:port (a DNS name, an IPv4 address or a bracketed IPv6 "
                    + "address, and a port in 1-65535)";
        }
        Object color = o.getValue("color");
        if (color == null) {
            return myColor == null ? null : where + ".color is missing: this node has color '" + myColor
                    + "' and talks only to peers known to share it";
        }
        if (!(color instanceof String c) || !NodeConfig.NAME.matcher(c).matches()) {
            return where + ".color " + (color instanceof String ? "'" + color + "'" : color)
                    + " must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";
        }
        return null;
    }
}
