package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One in-process node hosting a one-member cell: the HTTP API's answers, good and bad. */
class HttpApiTest {
    @TempDir
    static Path dir;
    static Node node;
    static String base;
    static int peerPort;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        KeyFile.generate(dir.resolve("key"));
        int http;
        int peer;
        try (var a = new java.net.ServerSocket(0); var b = new java.net.ServerSocket(0)) {
            http = a.getLocalPort();
            peer = b.getLocalPort();
        }
        node = Node.start(new NodeConfig("n1", dir.resolve("data"), "127.0.0.1", peer, http, Map.of(),
                dir.resolve("key"), -1));
        base = "http://127.0.0.1:" + http;
        peerPort = peer;
        HttpResponse<String> r = send("PUT", "/cells/t", "{\"members\":[\"n1\"]}");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals(200, send("PUT", "/cells/t", "{\"members\":[\"n1\"]}").statusCode(), "create is idempotent");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Stream<Arguments> badRequests() {
        String txn = "/cells/t/txn";
        String big = "A".repeat(70_000);
        return Stream.of(
                Arguments.of("POST", txn, "not json", 400, "not valid JSON"),
                Arguments.of("POST", txn, "[1]", 400, "must be a JSON object"),
                Arguments.of("POST", txn, "", 400, "body is empty"),
                Arguments.of("POST", txn, "{\"ops\":[]}", 400, "at least one op"),
                Arguments.of("POST", txn, "{\"opz\":[]}", 400, "unknown field 'opz'"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"frobnicate\",\"key\":\"a\"}]}", 400, "'frobnicate' is not an op"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"int\":1.5}}]}", 400, "floating-point"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"float\":\"1.5\"}}]}", 400, "floating-point"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"int\":\"12x\"}}]}", 400, "decimal integer"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"bytes\":\"!!\"}}]}", 400, "not valid base64"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"date\":\"x\"}}]}", 400, "unknown value type 'date'"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"int\":\"1\",\"bool\":true}}]}", 400, "exactly one of"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\"}]}", 400, "ops[0].value is missing"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"extra\":1,\"value\":{\"bool\":true}}]}", 400, "unknown field 'extra'"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"string\":\"" + big + "\"}}]}", 400, "value"),
                Arguments.of("POST", txn, "{\"conditions\":[{\"type\":\"maybe\",\"key\":\"a\"}],\"ops\":[{\"op\":\"get\",\"key\":\"a\"}]}", 400, "'maybe' is not a condition"),
                Arguments.of("POST", txn, "{\"client\":\"c\",\"ops\":[{\"op\":\"get\",\"key\":\"a\"}]}", 400, "seq"),
                Arguments.of("POST", txn + "?consistency=strong", "{\"ops\":[{\"op\":\"get\",\"key\":\"a\"}]}", 400, "consistency 'strong'"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":{\"string\":\"" + "B".repeat(1_100_000) + "\"}}]}", 413, "larger than"),
                Arguments.of("POST", "/cells/nosuch/txn", "{\"ops\":[{\"op\":\"get\",\"key\":\"a\"}]}", 404, "not hosted"),
                Arguments.of("POST", "/cells/bad%20name/txn", "{\"ops\":[{\"op\":\"get\",\"key\":\"a\"}]}", 400, "cell name"),
                Arguments.of("GET", "/cells/t/keys/a?consistency=sometimes", null, 400, "consistency"),
                Arguments.of("GET", "/cells/t/keys/a?consistency=eventual&minSlot=-1", null, 400, "minSlot"),
                Arguments.of("PUT", "/cells/u", "{\"members\":[\"n9\"]}", 400, "unknown node 'n9'"),
                Arguments.of("PUT", "/cells/u", "{\"members\":[\"n1\",\"n1\"]}", 400, "twice"),
                Arguments.of("PUT", "/cells/u", "{\"nodes\":[\"n1\"]}", 400, "unknown field 'nodes'"),
                Arguments.of("PUT", "/admin/cells/u", "{\"members\":[\"n1\"]}", 401, "admin token"),
                Arguments.of("GET", "/nothing/here", null, 404, "no such route"));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("badRequests")
    void badRequestsGetAClearAnswer(String method, String path, String body, int status, String message) throws Exception {
        HttpResponse<String> r = send(method, path, body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(message), "expected '" + message + "' in " + r.body());
    }

    @Test
    void typedValuesRoundTrip() throws Exception {
        String put = "{\"ops\":[{\"op\":\"put\",\"key\":\"big\",\"value\":{\"int\":\"-123456789012345678901234567890\"}},"
                + "{\"op\":\"put\",\"key\":\"flag\",\"value\":{\"bool\":true}},"
                + "{\"op\":\"put\",\"key\":\"raw\",\"value\":{\"bytes\":\"AP8=\"}}]}";
        HttpResponse<String> w = send("POST", "/cells/t/txn", put);
        assertEquals(200, w.statusCode(), w.body());
        assertTrue(w.body().contains("\"status\":\"OK\""), w.body());
        assertTrue(send("GET", "/cells/t/keys/big", null).body().contains("{\"int\":\"-123456789012345678901234567890\"}"));
        assertTrue(send("GET", "/cells/t/keys/flag?consistency=eventual", null).body().contains("{\"bool\":true}"));
        String raw = send("GET", "/cells/t/keys/raw", null).body();
        assertTrue(raw.contains("\"bytes\":\"AP8=\"") && !raw.contains("\"string\""), raw);
        assertTrue(send("GET", "/cells/t/keys/none", null).body().contains("\"found\":false"));
        assertTrue(send("GET", "/cells/t/keys/big?consistency=eventual&minSlot=1", null).body().contains("\"found\":true"));
        assertTrue(send("GET", "/cells", null).body().contains("\"cells\":[\"t\"]"));
        HttpResponse<String> cond = send("POST", "/cells/t/txn",
                "{\"conditions\":[{\"type\":\"absent\",\"key\":\"flag\"}],\"ops\":[{\"op\":\"delete\",\"key\":\"flag\"}]}");
        assertEquals(200, cond.statusCode());
        assertTrue(cond.body().contains("CONDITION_FAILED"), cond.body());
        HttpResponse<String> inc = send("POST", "/cells/t/txn", "{\"ops\":[{\"op\":\"increment\",\"key\":\"raw\",\"delta\":1}]}");
        assertTrue(inc.body().contains("TYPE_MISMATCH"), inc.body());
    }

    @Test
    void forgedFramesAreDroppedAndCounted() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", peerPort)) {
            byte[] unit = new byte[45]; // more than a frame header (28 bytes), with bad magic
            unit[0] = 1;
            unit[1] = 'X';
            unit[2] = 'Y';
            s.getOutputStream().write(unit);
            s.getOutputStream().flush();
            long deadline = System.currentTimeMillis() + 5000;
            while (!send("GET", "/metrics", null).body().contains("physalia_frames_rejected_total{colony=\"default\",color=\"\",node=\"n1\",reason=\"BAD_MAGIC\",} 1.0")) {
                assertTrue(System.currentTimeMillis() < deadline, "BAD_MAGIC frame not counted");
                Thread.sleep(50);
            }
        }
    }

    @Test
    void idleCellsKeepNoTimer() throws Exception {
        send("POST", "/cells/t/txn", "{\"ops\":[{\"op\":\"put\",\"key\":\"idle\",\"value\":{\"bool\":true}}]}");
        long deadline = System.currentTimeMillis() + 15_000;
        while (!send("GET", "/metrics", null).body().contains("physalia_wakeup_timers{colony=\"default\",color=\"\",node=\"n1\",} 0.0")) {
            assertTrue(System.currentTimeMillis() < deadline, "a cell kept its wakeup timer while idle");
            Thread.sleep(100);
        }
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        assertEquals(200, send("GET", "/healthz", null).statusCode());
        assertEquals(200, send("GET", "/readyz", null).statusCode());
        String m = send("GET", "/metrics", null).body();
        for (String name : new String[] {"physalia_requests_total", "physalia_proposals_total", "physalia_cells_hosted{colony=\"default\",color=\"\",node=\"n1\",} 1.0",
                "reason=\"BAD_HMAC\"", "physalia_log_syncs"}) {
            assertTrue(m.contains(name), name + " missing from /metrics");
        }
    }
}
