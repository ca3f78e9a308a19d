package io.physalia.node;

import io.physalia.node.local.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes of different colors never talk: a blue node refuses (and counts) the pings and frames
 * of a green node, even one misconfigured to believe the blue node is green.
 */
class NodeColorTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void framesFromAnotherColorAreRefusedAndCounted(@TempDir Path dir) throws Exception {
        KeyFile.generate(dir.resolve("key"));
        int[] p = FreePorts.ports(4);
        var blueAt = new NodeConfig.HostPort("127.0.0.1", p[1]);
        var greenAt = new NodeConfig.HostPort("127.0.0.1", p[3]);
        NodeConfig blue = new NodeConfig("blue1", dir.resolve("b"), "127.0.0.1", p[1], p[0], Map.of("green1", greenAt),
                dir.resolve("key"), -1, Map.of(NodeConfig.COLOR_LABEL, "blue"), Map.of("green1", "green"));
        // misconfigured: believes blue1 is green, so it dials it and sends it frames
        NodeConfig green = new NodeConfig("green1", dir.resolve("g"), "127.0.0.1", p[3], p[2], Map.of("blue1", blueAt),
                dir.resolve("key"), -1, Map.of(NodeConfig.COLOR_LABEL, "green"), Map.of("blue1", "green"));
        try (Node b = Node.start(blue); Node g = Node.start(green)) {
            KeyFile keys = KeyFile.load(dir.resolve("key"));
            HttpResponse<String> hosted = send("PUT", p[2], "/admin/cells/c", "{\"members\":[\"blue1\",\"green1\"]}", keys.adminToken());
            assertEquals(201, hosted.statusCode(), hosted.body());
            http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p[2] + "/cells/c/txn"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"ops\":[{\"op\":\"put\",\"key\":\"k\",\"value\":{\"int\":1}}]}")).build(),
                    HttpResponse.BodyHandlers.ofString()); // the green replica tries to reach blue1 for a quorum
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && b.transport().wrongColor.get() < 3) {
                Thread.sleep(100);
            }
            assertTrue(b.transport().wrongColor.get() >= 3, "pings and frames from green1 refused");
            assertEquals(0, b.transport().alivePeers(b.nowMillis()), "a node of another color is never a live peer");
            assertTrue(!b.hosts("c"), "the cell never reached the blue node");
            for (String[] route : new String[][] {{"POST", "/admin/cells/c/members"}, {"PUT", "/admin/cells/c/join"},
                    {"DELETE", "/admin/cells/c"}, {"GET", "/admin/cells/c"}}) {
                assertEquals(401, send(route[0], p[2], route[1], "{}", "wrong").statusCode(), route[1] + " needs the admin token");
            }
            HttpResponse<String> st = send("GET", p[2], "/admin/cells/c", null, keys.adminToken());
            assertEquals(200, st.statusCode(), st.body());
            assertTrue(st.body().contains("\"member\":\"green1@0\""), st.body());
            Scrape scraped = Scrape.parse(send("GET", p[0], "/metrics", null, null).body());
            assertTrue(scraped.sum("physalia_peer_frames_wrong_color_total", Map.of("color", "blue")) >= 3,
                    "the refusals are a counter of the blue node: " + scraped.named("physalia_peer_frames_wrong_color_total"));
            assertTrue(send("GET", p[0], "/readyz", null, null).body().contains("\"physalia.io/color\":\"blue\""));
        }
    }

    @Test
    void aColorNeedsThePeersColors() {
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> NodeConfig.parse(new String[] {
            "--name", "n1", "--data-dir", "d", "--peer-port", "1", "--http-port", "2", "--peers", "n2=h:3",
            "--key-file", "k", "--labels", "physalia.io/color=blue"}));
        assertTrue(e.getMessage().contains("--peer-colors"), e.getMessage());
    }

    private HttpResponse<String> send(String method, int port, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
