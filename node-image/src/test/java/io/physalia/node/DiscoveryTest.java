package io.physalia.node;

import io.physalia.node.local.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.CellLocation;
import io.physalia.client.Consistency;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four real nodes (in one JVM, over real TCP and HTTP): cells push their entries to the owners
 * the hash picks, any node answers a lookup, and a cell moved from n3 to n4 leaves a forwarding
 * pointer on n3 that a client with the old location follows to the new one; discovery learns
 * the move too (the newer epoch wins).
 */
class DiscoveryTest {
    @TempDir
    static Path dir;
    static final List<Node> nodes = new ArrayList<>();
    static final Map<String, String> http = new LinkedHashMap<>();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final AtomicLong seq = new AtomicLong();
    static String token;

    @BeforeAll
    static void start() throws Exception {
        KeyFile.generate(dir.resolve("key"));
        token = KeyFile.load(dir.resolve("key")).adminToken();
        int n = 4;
        int[] ports = FreePorts.ports(2 * n);
        Map<String, NodeConfig.HostPort> peers = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            peers.put("n" + (i + 1), new NodeConfig.HostPort("127.0.0.1", ports[n + i]));
            http.put("n" + (i + 1), "127.0.0.1:" + ports[i]);
        }
        for (int i = 0; i < n; i++) {
            String name = "n" + (i + 1);
            Map<String, NodeConfig.HostPort> others = new LinkedHashMap<>(peers);
            others.remove(name);
            nodes.add(Node.start(new NodeConfig(name, dir.resolve(name), "127.0.0.1", ports[n + i], ports[i], others,
                    dir.resolve("key"), -1)));
        }
        await("every node hears every peer", () -> nodes.stream().allMatch(x -> x.transport().alivePeers(x.nowMillis()) == n - 1));
    }

    @AfterAll
    static void stop() {
        nodes.forEach(Node::close);
    }

    private static void createTrio() throws Exception {
        int st = send("PUT", "n1", "/cells/trio", "{\"members\":[\"n1\",\"n2\",\"n3\"]}", null).statusCode();
        assertTrue(st == 201 || st == 200, "created: " + st);
    }

    @Test
    void aSessionNeverReadsBackInTimeEvenFromALaggingReplica() throws Exception {
        createTrio();
        io.physalia.client.Session s = new PhysaliaClient(List.of(http.get("n4"))).session();
        s.transact("trio", io.physalia.client.TxnBuilder.txn().put("seen", 0).build());
        Node n3 = nodes.get(2);
        NodeConfig n3Config = n3.config();
        n3.close(); // n3 misses the next writes and comes back behind: the cell is idle, so nobody teaches it
        for (int i = 1; i <= 10; i++) {
            s.transact("trio", io.physalia.client.TxnBuilder.txn().put("seen", i).build());
        }
        nodes.set(2, Node.start(n3Config));
        await("n3 hears its peers again", () -> nodes.get(2).transport().alivePeers(nodes.get(2).nowMillis()) == 3);
        for (int i = 0; i < 30; i++) {
            // eventual reads go to any member; n3 is behind the session's mark, so it does not serve them
            io.physalia.core.kv.Value v = s.get("trio", "seen", Consistency.EVENTUAL).orElseThrow().value();
            assertEquals(io.physalia.core.kv.Value.ofInt(10), v, "read " + i + " went back in time");
        }
        assertTrue(s.highWater("trio") >= 11, "the mark follows the writes: " + s.highWater("trio"));
    }

    @Test
    void entriesReachTheirOwnersAndAnyNodeAnswersALookup() throws Exception {
        createTrio();
        List<String> owners = DiscoveryOwners.owners("trio", List.of("n1", "n2", "n3", "n4"), Discovery.COPIES);
        for (String owner : owners) {
            await("owner " + owner + " holds trio's entry", () -> send("GET", owner, "/admin/discovery/cells/trio", null, token)
                    .statusCode() == 200);
        }
        JsonObject e = new JsonObject(send("GET", "n4", "/discovery/cells/trio", null, null).body());
        assertEquals(0, e.getLong("epoch"));
        assertEquals(List.of("n1", "n2", "n3"), names(e.getJsonArray("members")));
        assertEquals(http.get("n2"), e.getJsonArray("members").getJsonObject(1).getString("http"));
    }

    @Test
    void aMovedCellLeavesAPointerThatClientsFollow() throws Exception {
        assertEquals(201, send("PUT", "n3", "/cells/solo", "{\"members\":[\"n3\"]}", null).statusCode());
        PhysaliaClient client = new PhysaliaClient(List.of(http.get("n1")));
        assertEquals(200, client.put("solo", "k", "{\"int\":\"1\"}").status());
        CellLocation before = client.cached("solo");
        assertEquals(List.of(new CellLocation.Member("n3", http.get("n3"))), before.members(), "found through discovery");

        move("solo", "n3", "n4");

        HttpResponse<String> pointer = send("POST", "n3", "/cells/solo/txn", "{\"ops\":[{\"op\":\"get\",\"key\":\"k\"}]}", null);
        assertEquals(308, pointer.statusCode(), pointer.body());
        assertEquals("http://" + http.get("n4") + "/cells/solo/txn", pointer.headers().firstValue("Location").orElseThrow());
        JsonObject moved = new JsonObject(pointer.body());
        assertTrue(moved.getBoolean("moved") && moved.getLong("epoch") > 0, pointer.body());
        assertEquals(List.of("n4"), names(moved.getJsonArray("members")));
        assertEquals(308, send("GET", "n3", "/cells/solo", null, null).statusCode(), "the status route points on too");

        // the client still has the old location: it is sent on and keeps the new one
        assertEquals(before, client.cached("solo"));
        Response r = client.get("solo", "k", "linearizable");
        assertEquals(200, r.status(), r.body());
        assertEquals(http.get("n4"), r.node());
        assertTrue(r.body().contains("{\"int\":\"1\"}"), r.body());
        assertTrue(client.cached("solo").epoch() > 0);
        assertEquals(List.of(http.get("n4")), client.cached("solo").members().stream().map(CellLocation.Member::http).toList());
        assertEquals(200, client.put("solo", "k", "{\"int\":\"2\"}").status());

        // discovery learns the move: every node's lookup ends with the newer epoch
        for (String node : http.keySet()) {
            await(node + " answers the new location", () -> {
                JsonObject e = new JsonObject(send("GET", node, "/discovery/cells/solo", null, null).body());
                return e.getLong("epoch") > 0 && names(e.getJsonArray("members")).equals(List.of("n4"));
            });
        }
        PhysaliaClient fresh = new PhysaliaClient(List.of(http.get("n2")));
        assertEquals(java.math.BigInteger.TWO, ((io.physalia.core.kv.Value.Int) fresh.session()
                .get("solo", "k", Consistency.EVENTUAL).orElseThrow().value()).value());
        assertEquals(http.get("n4"), fresh.cached("solo").members().get(0).http());
    }

    /** Replaces {@code from} by {@code to} in the cell, as the control plane does: add, join, remove, drop. */
    private static void move(String cell, String from, String to) throws Exception {
        JsonObject added = membership(cell, from, new JsonObject().put("add", to));
        JsonArray joined = added.getJsonArray("pending");
        String member = joined.stream().map(Object::toString).filter(m -> m.startsWith(to + "@")).findFirst().orElseThrow();
        HttpResponse<String> hosted = send("PUT", to, "/admin/cells/" + cell + "/join",
                new JsonObject().put("member", member).put("members", joined).encode(), token);
        assertEquals(201, hosted.statusCode(), hosted.body());
        await(to + " catches up", () -> new JsonObject(send("GET", to, "/admin/cells/" + cell, null, token).body())
                .getLong("appliedUpTo") > added.getLong("slot"));
        JsonObject removed = membership(cell, from, new JsonObject().put("remove", from + "@0"));
        // the old configuration (with the leaving member) still chooses the next alpha slots: here it
        // is {from, to}, so the leaving member must help fill them before it goes
        // (patient: the leaving member may have led, and the new one waits out its leader lease)
        PhysaliaClient writer = new PhysaliaClient(List.of(http.get(to)), new io.physalia.client.Backoff(50, 500), 100,
                java.time.Duration.ofSeconds(15));
        long inEffect = removed.getLong("slot") + io.physalia.core.paxos.ReplicaConfig.DEFAULT.alpha();
        while (new JsonObject(send("GET", to, "/admin/cells/" + cell, null, token).body()).getLong("appliedUpTo") <= inEffect) {
            assertEquals(200, writer.put(cell, "filler", "{\"bool\":true}").status());
        }
        assertEquals(200, send("DELETE", from, "/admin/cells/" + cell, null, token).statusCode());
    }

    private static JsonObject membership(String cell, String at, JsonObject change) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        String target = http.get(at);
        String last = "";
        while (System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = raw("POST", "http://" + target + "/admin/cells/" + cell + "/members",
                    change.copy().put("client", "test").put("seq", seq.incrementAndGet()).encode(), token);
            if (r.statusCode() == 307) {
                target = URI.create(r.headers().firstValue("Location").orElseThrow()).getAuthority();
                continue;
            }
            last = r.statusCode() + " " + r.body();
            if (r.statusCode() == 200 && new JsonObject(r.body()).getBoolean("applied")) {
                return new JsonObject(r.body());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("membership change " + change + " did not apply: " + last);
    }

    private static List<String> names(JsonArray members) {
        return members.stream().map(m -> ((JsonObject) m).getString("node")).toList();
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!check.ok()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting until " + what);
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> send(String method, String node, String path, String body, String auth) throws Exception {
        return raw(method, "http://" + http.get(node) + path, body, auth);
    }

    private static HttpResponse<String> raw(String method, String url, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (auth != null) {
            b.header("Authorization", "Bearer " + auth);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
