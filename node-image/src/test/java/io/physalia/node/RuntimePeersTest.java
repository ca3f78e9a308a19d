package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.node.local.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes started with no {@code --peers} (as every pod of a StatefulSet is) learn their peers
 * from the control plane through {@code PUT /admin/peers}: before, a cell of three cannot be
 * made; after, it is and writes commit; a peer removed stops being dialled and pinged; a peer
 * restarted on another port is reached again once its new address is pushed.
 */
class RuntimePeersTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String COLOR = "blue";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Node[] nodes = new Node[3];
    private final int[] peerPorts = new int[3];
    private final int[] httpPorts = new int[3];
    private Path dir;
    private String token;

    @Test
    void peersPushedAtRuntimeCarryACell(@TempDir Path dir) throws Exception {
        this.dir = dir;
        KeyFile.generate(dir.resolve("key"));
        token = KeyFile.load(dir.resolve("key")).adminToken();
        int[] ports = FreePorts.ports(6);
        try {
            for (int i = 0; i < 3; i++) {
                peerPorts[i] = ports[i];
                httpPorts[i] = ports[3 + i];
                start(i);
            }
            JsonObject none = get(0, "/admin/peers");
            assertEquals(0, none.getInteger("known"), none.encode());
            assertEquals(0.0, scrape(0).sum("physalia_peers_known", Map.of()));

            // No peers: a cell of three cannot even be named.
            HttpResponse<String> unknown = send(0, "PUT", "/cells/c", "{\"members\":[\"n1\",\"n2\",\"n3\"]}", null);
            assertEquals(400, unknown.statusCode(), unknown.body());
            assertTrue(unknown.body().contains("unknown node 'n2'"), unknown.body());

            // Only n1 told: it dials n2 and n3, which refuse (and count) what comes from a node they do not
            // know, and do not dial back; the cell gets no quorum of members and its writes do not commit.
            JsonObject told = put(0, directory(0, 1, 2));
            assertEquals(new JsonObject().put("peers", 2).put("added", new JsonArray(List.of("n2", "n3")))
                    .put("removed", new JsonArray()).put("changed", new JsonArray()), told);
            LoopbackColony.await(WAIT, "n2 and n3 to refuse n1's pings", () -> nodes[1].transport().unknownPeer.get() > 0
                    && nodes[2].transport().unknownPeer.get() > 0);
            HttpResponse<String> half = send(0, "PUT", "/cells/c", "{\"members\":[\"n1\",\"n2\",\"n3\"]}", null);
            assertEquals(503, half.statusCode(), half.body());
            assertTrue(half.body().contains("node n2 has not been heard from"), half.body());
            HttpResponse<String> stuck = send(0, "POST", "/cells/c/txn", "{\"ops\":[{\"op\":\"put\",\"key\":\"k\",\"value\":{\"int\":\"1\"}}]}", null);
            assertNotEquals(200, stuck.statusCode(), "no write commits on one member of three: " + stuck.body());
            assertTrue(scrape(1).sum("physalia_peer_frames_unknown_peer_total", Map.of()) > 0);

            // Everyone told: every link comes up, the cell is made on all three and writes commit.
            put(1, directory(1, 0, 2));
            put(2, directory(2, 0, 1));
            awaitAlive(0, "n2", true);
            awaitAllAlive();
            JsonObject again = put(0, directory(0, 1, 2));
            assertEquals(new JsonObject().put("peers", 2).put("added", new JsonArray()).put("removed", new JsonArray())
                    .put("changed", new JsonArray()), again, "the same directory again changes nothing");
            PhysaliaClient client = new PhysaliaClient(addresses());
            Response created = client.createCell("c", List.of("n1", "n2", "n3"));
            assertEquals(201, created.status(), created.body());
            for (int i = 0; i < 5; i++) {
                Response w = client.put("c", "k" + i, "{\"int\":\"" + i + "\"}");
                assertEquals(200, w.status(), w.body());
            }
            awaitSameAppliedPrefix();
            assertEquals(2.0, scrape(0).sum("physalia_peers_known", Map.of()));
            assertEquals(2.0, scrape(0).sum("physalia_peers_alive", Map.of()));

            // n3 removed from n1's directory: n1 stops dialling and pinging it, so n3 soon finds n1 dead;
            // n1 refuses n3's pings (n3 still knows n1), and n1 and n2 still commit.
            JsonObject removed = put(0, directory(0, 1));
            assertEquals(new JsonArray(List.of("n3")), removed.getJsonArray("removed"), removed.encode());
            assertFalse(get(0, "/admin/peers").getJsonObject("peers").containsKey("n3"));
            awaitAlive(2, "n1", false);
            long refusedBefore = nodes[0].transport().unknownPeer.get();
            LoopbackColony.await(WAIT, "n1 to refuse n3's pings", () -> nodes[0].transport().unknownPeer.get() > refusedBefore);
            assertEquals(1.0, scrape(0).sum("physalia_peers_known", Map.of()));
            assertEquals(200, client.put("c", "after-removal", "{\"int\":\"1\"}").status());
            assertTrue(get(2, "/admin/peers").getJsonObject("peers").getJsonObject("n2").getBoolean("alive"),
                    "n3's other link is untouched");
            put(0, directory(0, 1, 2));
            awaitAllAlive();

            // n3 restarted on another peer port and told its peers; n1 and n2 still dial the old address,
            // so n3 hears neither of them until they are told where it is now.
            nodes[2].close();
            int oldPort = peerPorts[2];
            do {
                peerPorts[2] = FreePorts.ports(1)[0];
            } while (peerPorts[2] == oldPort || peerPorts[2] == peerPorts[0] || peerPorts[2] == peerPorts[1]
                    || List.of(httpPorts[0], httpPorts[1], httpPorts[2]).contains(peerPorts[2]));
            start(2);
            assertEquals(0, get(2, "/admin/peers").getInteger("known"), "a restarted node knows only its --peers (none)");
            put(2, directory(2, 0, 1));
            awaitAlive(0, "n3", true); // n3 dials n1, which knows its name
            assertFalse(get(2, "/admin/peers").getJsonObject("peers").getJsonObject("n1").getBoolean("alive"),
                    "n1 dials n3's old address, so n3 cannot hear n1");
            JsonObject moved = put(0, directory(0, 1, 2));
            assertEquals(new JsonArray(List.of("n3")), moved.getJsonArray("changed"), moved.encode());
            put(1, directory(1, 0, 2));
            awaitAllAlive();
            assertEquals(200, client.put("c", "after-move", "{\"int\":\"2\"}").status());
            awaitSameAppliedPrefix();
        } finally {
            for (Node n : nodes) {
                if (n != null) {
                    n.close();
                }
            }
        }
    }

    @Test
    void aPeerOfAnotherColorIsKeptButNeverTalkedTo(@TempDir Path dir) throws Exception {
        this.dir = dir;
        KeyFile.generate(dir.resolve("key"));
        token = KeyFile.load(dir.resolve("key")).adminToken();
        int[] ports = FreePorts.ports(2);
        peerPorts[0] = ports[0];
        httpPorts[0] = ports[1];
        try {
            start(0);
            for (String[] route : new String[][] {{"GET", "/admin/peers"}, {"PUT", "/admin/peers"}, {"GET", "/admin/cells"}}) {
                assertEquals(401, send(0, route[0], route[1], "{\"peers\":{}}", "wrong").statusCode(), route[1] + " needs the admin token");
            }
            HttpResponse<String> bad = send(0, "PUT", "/admin/peers", "{\"peers\":{\"n2\":{\"address\":\"127.0.0.1:1\"}}}", token);
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("peers.n2.color is missing"), bad.body());
            bad = send(0, "PUT", "/admin/peers", "{\"peers\":{\"n2\":{\"address\":\"127.0.0.1\",\"color\":\"blue\"}}}", token);
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("peers.n2.address '127.0.0.1' is not host:port"), bad.body());
            assertEquals(0, get(0, "/admin/peers").getInteger("known"), "a refused directory changes nothing");

            // The bound, in one body: 10,000 peers of another color (never dialled, so nothing to connect to).
            JsonObject many = new JsonObject();
            for (int i = 0; i < PeerDirectory.MAX_PEERS; i++) {
                many.put("g" + i, new JsonObject().put("address", "green-" + i + ".physalia.example.svc.cluster.local:7600")
                        .put("color", "green"));
            }
            JsonObject taken = put(0, new JsonObject().put("peers", many));
            assertEquals(PeerDirectory.MAX_PEERS, taken.getInteger("peers"));
            many.put("g-one-more", new JsonObject().put("address", "h:1").put("color", "green"));
            bad = send(0, "PUT", "/admin/peers", new JsonObject().put("peers", many).encode(), token);
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("at most 10000"), bad.body());
            JsonObject g0 = get(0, "/admin/peers").getJsonObject("peers").getJsonObject("g0");
            assertEquals(new JsonObject().put("address", "green-0.physalia.example.svc.cluster.local:7600").put("color", "green")
                    .put("talks", false).put("alive", false).put("http", null), g0);
            assertEquals(10_000.0, scrape(0).sum("physalia_peers_known", Map.of()));
            assertEquals(0, nodes[0].transport().framesDroppedNotConnected.get());
            JsonObject emptied = put(0, new JsonObject().put("peers", new JsonObject()));
            assertEquals(PeerDirectory.MAX_PEERS, emptied.getJsonArray("removed").size());
        } finally {
            if (nodes[0] != null) {
                nodes[0].close();
            }
        }
    }

    @Test
    void adminCellsListsEveryReplicaAsTheOneCellRouteDoes(@TempDir Path dir) throws Exception {
        this.dir = dir;
        KeyFile.generate(dir.resolve("key"));
        token = KeyFile.load(dir.resolve("key")).adminToken();
        int[] ports = FreePorts.ports(2);
        peerPorts[0] = ports[0];
        httpPorts[0] = ports[1];
        try {
            start(0);
            for (String cell : List.of("b", "a", "c")) {
                HttpResponse<String> hosted = send(0, "PUT", "/admin/cells/" + cell, "{\"members\":[\"n1\"]}", token);
                assertEquals(201, hosted.statusCode(), hosted.body());
            }
            PhysaliaClient client = new PhysaliaClient(addresses());
            for (String cell : List.of("a", "b", "c")) {
                assertEquals(200, client.put(cell, "k", "{\"int\":\"1\"}").status()); // a leader, and a slot applied
            }
            JsonObject all = get(0, "/admin/cells");
            assertEquals(false, all.getBoolean("truncated"));
            JsonArray cells = all.getJsonArray("cells");
            assertEquals(3, cells.size(), all.encode());
            for (int i = 0; i < 3; i++) {
                JsonObject one = cells.getJsonObject(i);
                assertEquals(get(0, "/admin/cells/" + one.getString("cell")), one, "the same rendering as GET /admin/cells/{cell}");
                assertEquals("n1@0", one.getString("member"));
                assertEquals(new JsonArray(List.of("n1@0")), one.getJsonArray("configuration"));
                assertTrue(one.getBoolean("leader"));
                assertTrue(one.getLong("appliedUpTo") >= 1, one.encode());
            }
            JsonObject first = get(0, "/admin/cells?limit=2");
            assertEquals(List.of("a", "b"), names(first));
            assertEquals(true, first.getBoolean("truncated"));
            assertEquals("b", first.getString("next"));
            JsonObject rest = get(0, "/admin/cells?limit=2&after=b");
            assertEquals(List.of("c"), names(rest));
            assertEquals(false, rest.getBoolean("truncated"));
            for (String[] q : new String[][] {{"limit=0", "limit '0'"}, {"limit=x", "limit 'x'"}, {"limit=10001", "limit '10001'"},
                    {"after=%20", "cell name ' '"}, {"page=2", "unknown query parameter 'page'"}}) {
                HttpResponse<String> r = send(0, "GET", "/admin/cells?" + q[0], null, token);
                assertEquals(400, r.statusCode(), r.body());
                assertTrue(r.body().contains(q[1]), r.body());
            }
        } finally {
            if (nodes[0] != null) {
                nodes[0].close();
            }
        }
    }

    @Test
    void peersAreOptionalAndAColorNeedsNoPeerColorsWithoutThem(@TempDir Path dir) throws Exception {
        String[] base = {"--name", "n1", "--data-dir", "d", "--peer-port", "7501", "--http-port", "7401", "--key-file", "k",
            "--labels", NodeConfig.COLOR_LABEL + "=blue"};
        NodeConfig c = NodeConfig.parse(base, Map.of());
        assertTrue(c.peers().isEmpty());
        assertEquals("blue", c.color());
        assertTrue(NodeConfig.parse(base, Map.of("PHYSALIA_PEERS", "")).peers().isEmpty(), "an empty PHYSALIA_PEERS: no peers yet");
        java.nio.file.Files.writeString(dir.resolve("node.conf"), "# a pod's ConfigMap: the same for every node\npeers =\n");
        assertTrue(NodeConfig.parse(base, Map.of("PHYSALIA_CONFIG", dir.resolve("node.conf").toString())).peers().isEmpty(),
                "an empty peers line in the config file");
        String[] emptyFlag = java.util.Arrays.copyOf(base, base.length + 2);
        emptyFlag[base.length] = "--peers";
        emptyFlag[base.length + 1] = "";
        assertTrue(NodeConfig.parse(emptyFlag, Map.of()).peers().isEmpty(), "--peers ''");
        NodeConfig.BadConfig e = org.junit.jupiter.api.Assertions.assertThrows(NodeConfig.BadConfig.class,
                () -> NodeConfig.parse(base, Map.of("PHYSALIA_PEERS", "n2=h:1")));
        assertTrue(e.getMessage().contains("--peer-colors"), "a static list with a color still needs the colors: " + e.getMessage());
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void start(int i) throws Exception {
        String name = LoopbackColony.name(i);
        nodes[i] = Node.start(new NodeConfig(name, dir.resolve(name), "127.0.0.1", peerPorts[i], httpPorts[i], Map.of(),
                dir.resolve("key"), -1, Map.of(NodeConfig.COLOR_LABEL, COLOR), Map.of()));
    }

    /** The body telling node {@code self} that its peers are {@code others} (and itself, which it ignores). */
    private JsonObject directory(int self, int... others) {
        JsonObject peers = new JsonObject().put(LoopbackColony.name(self),
                new JsonObject().put("address", "127.0.0.1:" + peerPorts[self]).put("color", COLOR));
        for (int o : others) {
            peers.put(LoopbackColony.name(o), new JsonObject().put("address", "127.0.0.1:" + peerPorts[o]).put("color", COLOR));
        }
        return new JsonObject().put("peers", peers);
    }

    private JsonObject put(int node, JsonObject directory) throws Exception {
        HttpResponse<String> r = send(node, "PUT", "/admin/peers", directory.encode(), token);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private JsonObject get(int node, String path) throws Exception {
        HttpResponse<String> r = send(node, "GET", path, null, token);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    private void awaitAlive(int node, String peer, boolean alive) throws InterruptedException {
        LoopbackColony.await(WAIT, LoopbackColony.name(node) + " to see " + peer + (alive ? " alive" : " dead"), () -> {
            try {
                JsonObject p = get(node, "/admin/peers").getJsonObject("peers").getJsonObject(peer);
                return p != null && p.getBoolean("alive") == alive;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private void awaitAllAlive() throws InterruptedException {
        LoopbackColony.await(WAIT, "every node to hear every peer", () -> {
            try {
                for (int i = 0; i < 3; i++) {
                    if (get(i, "/admin/peers").getInteger("alive") != 2) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Waits until the three replicas of c, read through GET /admin/cells, have applied the same prefix. */
    private void awaitSameAppliedPrefix() throws InterruptedException {
        LoopbackColony.await(WAIT, "every replica of c to apply the same prefix", () -> {
            try {
                List<Long> applied = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    JsonArray cells = get(i, "/admin/cells").getJsonArray("cells");
                    if (cells.size() != 1) {
                        return false;
                    }
                    applied.add(cells.getJsonObject(0).getLong("appliedUpTo"));
                }
                return applied.get(0) > 0 && applied.stream().distinct().count() == 1;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static List<String> names(JsonObject page) {
        List<String> names = new ArrayList<>();
        page.getJsonArray("cells").forEach(o -> names.add(((JsonObject) o).getString("cell")));
        return names;
    }

    private List<String> addresses() {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (httpPorts[i] > 0) {
                a.add("127.0.0.1:" + httpPorts[i]);
            }
        }
        return a;
    }

    private Scrape scrape(int node) throws Exception {
        HttpResponse<String> r = send(node, "GET", "/metrics", null, null);
        assertEquals(200, r.statusCode());
        return Scrape.parse(r.body());
    }

    private HttpResponse<String> send(int node, String method, String path, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts[node] + path))
                .timeout(Duration.ofSeconds(20));
        if (auth != null) {
            b.header("Authorization", "Bearer " + auth);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
