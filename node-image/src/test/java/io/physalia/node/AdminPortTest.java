package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.TxnBuilder;
import io.physalia.core.kv.Value;
import io.physalia.node.local.FreePorts;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes laid out as pods are (each on its own loopback address, all with the same ports)
 * with {@code --admin-port}: the admin routes answer only on the admin port and the client routes
 * only on the HTTP port, and what nodes ask of each other through the admin routes (creating a
 * cell's other replicas, discovery entries reaching their owners) goes to the admin port.
 */
class AdminPortTest {
    @TempDir
    static Path dir;
    static final List<Node> nodes = new ArrayList<>();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static int httpPort;
    static int adminPort;
    static String token;

    static String host(int i) {
        return "127.0.93." + (i + 1);
    }

    @BeforeAll
    static void start() throws Exception {
        KeyFile.generate(dir.resolve("key"));
        token = KeyFile.load(dir.resolve("key")).adminToken();
        int[] ports = FreePorts.ports(3);
        httpPort = ports[0];
        adminPort = ports[1];
        int peerPort = ports[2];
        Map<String, NodeConfig.HostPort> peers = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            peers.put("n" + (i + 1), new NodeConfig.HostPort(host(i), peerPort));
        }
        for (int i = 0; i < 3; i++) {
            String name = "n" + (i + 1);
            Map<String, NodeConfig.HostPort> others = new LinkedHashMap<>(peers);
            others.remove(name);
            NodeConfig c = NodeConfig.parse(new String[] {"--name", name, "--data-dir", dir.resolve(name).toString(),
                    "--bind", host(i), "--http-port", String.valueOf(httpPort), "--peer-port", String.valueOf(peerPort),
                    "--admin-port", String.valueOf(adminPort), "--key-file", dir.resolve("key").toString(),
                    "--peers", others.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + "," + b).orElseThrow()},
                    Map.of());
            assertTrue(c.separateAdminPort());
            nodes.add(Node.start(c));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!nodes.stream().allMatch(n -> n.transport().alivePeers(n.nowMillis()) == 2)) {
            assertTrue(System.nanoTime() < deadline, "every node hears its peers within 30 s");
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() {
        nodes.forEach(Node::close);
    }

    @Test
    void theAdminRoutesAnswerOnlyOnTheAdminPortAndTheClientRoutesOnlyOnTheHttpPort() throws Exception {
        HttpResponse<String> onHttp = send("GET", host(0) + ":" + httpPort, "/admin/cells", token);
        assertEquals(404, onHttp.statusCode(), onHttp.body());
        assertTrue(onHttp.body().contains("admin port " + adminPort), onHttp.body());
        assertEquals(200, send("GET", host(0) + ":" + adminPort, "/admin/cells", token).statusCode());
        assertEquals(401, send("GET", host(0) + ":" + adminPort, "/admin/cells", null).statusCode(), "still the admin token");
        HttpResponse<String> cellsOnAdmin = send("GET", host(0) + ":" + adminPort, "/cells/anything", null);
        assertEquals(404, cellsOnAdmin.statusCode(), cellsOnAdmin.body());
        for (int port : new int[] {httpPort, adminPort}) {
            assertEquals(200, send("GET", host(0) + ":" + port, "/healthz", null).statusCode(), "health on port " + port);
            assertTrue(send("GET", host(0) + ":" + port, "/metrics", null).body().contains("physalia_"), "metrics on port " + port);
        }
    }

    @Test
    void aCellCreatedOnOneNodeReachesTheOthersThroughTheirAdminPorts() throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host(0) + ":" + httpPort + "/cells/apart"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"members\":[\"n1\",\"n2\",\"n3\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        JsonObject results = new JsonObject(created.body()).getJsonObject("nodes");
        assertEquals("created", results.getString("n2"), created.body());
        assertEquals("created", results.getString("n3"), created.body());

        // a write through a follower's client port is redirected to the leader's client port
        var session = new PhysaliaClient(List.of(host(1) + ":" + httpPort, host(2) + ":" + httpPort)).session();
        session.transact("apart", TxnBuilder.txn().put("k", 7).build());
        assertEquals(Value.ofInt(7), session.get("apart", "k", io.physalia.client.Consistency.LINEARIZABLE).orElseThrow().value());

        // the discovery entries went to their owners' admin ports
        for (String owner : DiscoveryOwners.owners("apart", List.of("n1", "n2", "n3"), Discovery.COPIES)) {
            int i = Integer.parseInt(owner.substring(1)) - 1;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (send("GET", host(i) + ":" + adminPort, "/admin/discovery/cells/apart", token).statusCode() != 200) {
                assertTrue(System.nanoTime() < deadline, "owner " + owner + " holds the entry within 30 s");
                Thread.sleep(100);
            }
        }
    }

    private static HttpResponse<String> send(String method, String hostPort, String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path));
        if (auth != null) {
            b.header("Authorization", "Bearer " + auth);
        }
        return HTTP.send(b.method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
