package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One in-process node hosting a one-member cell: the HTTP API's answers, good and bad. Every bad
 * request of the table is checked to leave the cell as it was (data, revision, leases, cells).
 */
class HttpApiTest {
    @TempDir
    static Path dir;
    static Node node;
    static String base;
    static int peerPort;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
        HttpResponse<String> g = send("POST", "/cells/t/leases/guard/acquire", "{\"holder\":\"owner\",\"durationMillis\":600000}");
        assertEquals(200, g.statusCode(), g.body());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, null);
    }

    static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Stream<Arguments> badRequests() {
        String txn = "/cells/t/txn";
        String lease = "/cells/t/leases/guard";
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
                Arguments.of("GET", "/nothing/here", null, 404, "no such route"),
                Arguments.of("POST", txn + "?consistancy=eventual", "{\"ops\":[{\"op\":\"get\",\"key\":\"a\"}]}", 400, "unknown query parameter 'consistancy'"),
                Arguments.of("POST", txn, "{\"ops\":[{\"op\":\"scan\",\"prefix\":\"a\",\"pageSize\":0}]}", 400, "page size 0 is outside 1..1000"),
                // leases
                Arguments.of("POST", lease + "/acquire", "{\"durationMillis\":1000}", 400, "request.holder is missing"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":\"x\"}", 400, "request.durationMillis is missing"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":\"x\",\"durationMillis\":0}", 400, "durationMillis must be in 1..600000"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":\"x\",\"durationMillis\":600001}", 400, "durationMillis must be in 1..600000"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":\"x\",\"durationMillis\":1.5}", 400, "floating-point"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":\"x\",\"durationMillis\":1000,\"ttl\":5}", 400, "unknown field 'ttl'"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":\"\",\"durationMillis\":1000}", 400, "holder must not be empty"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":7,\"durationMillis\":1000}", 400, "request.holder must be a string"),
                Arguments.of("POST", lease + "/acquire", "{\"holder\":\"x\",\"durationMillis\":1000,\"client\":\"c\"}", 400, "seq"),
                Arguments.of("POST", lease + "/acquire?force=1", "{\"holder\":\"x\",\"durationMillis\":1000}", 400, "unknown query parameter 'force'"),
                Arguments.of("POST", lease + "/acquire", "", 400, "body is empty"),
                Arguments.of("POST", lease + "/renew", "{\"holder\":\"owner\"}", 400, "request.token is missing"),
                Arguments.of("POST", lease + "/renew", "{\"holder\":\"owner\",\"token\":\"abc\"}", 400, "decimal integer"),
                Arguments.of("POST", lease + "/release", "{\"holder\":\"owner\",\"token\":-3}", 400, "positive integer"),
                Arguments.of("POST", lease + "/release", "{\"holder\":\"owner\",\"token\":1,\"durationMillis\":5}", 400, "unknown field 'durationMillis'"),
                Arguments.of("POST", lease + "/steal", "{\"holder\":\"x\"}", 400, "lease action 'steal' must be acquire, renew or release"),
                Arguments.of("POST", "/cells/t/leases/" + "x".repeat(300) + "/acquire", "{\"holder\":\"x\",\"durationMillis\":1000}", 400, "at most 256 bytes"),
                Arguments.of("POST", "/cells/nosuch/leases/guard/acquire", "{\"holder\":\"x\",\"durationMillis\":1000}", 404, "not hosted"),
                Arguments.of("GET", lease + "?consistency=maybe", null, 400, "consistency 'maybe'"),
                Arguments.of("GET", lease + "?consistency=eventual&minSlot=x", null, 400, "minSlot 'x'"),
                Arguments.of("GET", lease + "?ttl=1", null, 400, "unknown query parameter 'ttl'"),
                // scans
                Arguments.of("GET", "/cells/t/keys?pageSize=abc", null, 400, "pageSize 'abc' must be an integer"),
                Arguments.of("GET", "/cells/t/keys?pageSize=0", null, 400, "page size 0 is outside 1..1000"),
                Arguments.of("GET", "/cells/t/keys?pageSize=1001", null, 400, "page size 1001 is outside 1..1000"),
                Arguments.of("GET", "/cells/t/keys?pageToken=garbage", null, 400, "page token is malformed"),
                Arguments.of("GET", "/cells/t/keys?prefix=a&start=b", null, 400, "both a prefix and a range"),
                Arguments.of("GET", "/cells/t/keys?start=b&end=a", null, 400, "is not before range end"),
                Arguments.of("GET", "/cells/t/keys?prefix=a&pageToken=k1.Yg", null, 400, "outside the prefix"),
                Arguments.of("GET", "/cells/t/keys?limit=5", null, 400, "unknown query parameter 'limit'"),
                Arguments.of("GET", "/cells/t/keys/a?minslot=1", null, 400, "unknown query parameter 'minslot'"),
                Arguments.of("GET", "/cells/nosuch/keys", null, 404, "not hosted"),
                // status and discovery
                Arguments.of("GET", "/cells/nosuch", null, 404, "not hosted"),
                Arguments.of("GET", "/cells/t?verbose=1", null, 400, "unknown query parameter 'verbose' (this route takes none)"),
                Arguments.of("GET", "/discovery/cells/bad%20name", null, 400, "cell name"),
                Arguments.of("GET", "/discovery/cells/nosuch", null, 404, "not known to discovery"),
                Arguments.of("POST", "/admin/discovery", "{\"entries\":[]}", 401, "admin token"),
                Arguments.of("GET", "/admin/discovery/cells/t", null, 401, "admin token"));
    }

    /** What a bad request must not change: the cell's data and revision, its leases, the cells hosted. */
    static String fingerprint() throws Exception {
        JsonObject scan = new JsonObject(send("GET", "/cells/t/keys?pageSize=1000", null).body());
        JsonObject lease = new JsonObject(send("GET", "/cells/t/leases/guard", null).body());
        return new JsonObject().put("entries", scan.getValue("entries")).put("revision", scan.getValue("revision"))
                .put("next", scan.getValue("nextPageToken")).put("holder", lease.getValue("holder"))
                .put("token", lease.getValue("token")).put("version", lease.getValue("version"))
                .put("cells", new JsonObject(send("GET", "/cells", null).body()).getValue("cells")).encode();
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("badRequests")
    void badRequestsGetAClearAnswer(String method, String path, String body, int status, String message) throws Exception {
        String before = fingerprint();
        HttpResponse<String> r = send(method, path, body);
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(message), "expected '" + message + "' in " + r.body());
        assertEquals(before, fingerprint(), "the cell changed after a bad request");
    }

    @Test
    void discoveryPushesAreValidated() throws Exception {
        String token = KeyFile.load(dir.resolve("key")).adminToken();
        String[][] bad = {
            {"{\"entries\":[{\"cell\":\"x\",\"epoch\":-1,\"members\":[{\"node\":\"n1\",\"http\":null}]}]}", "epoch must be a non-negative integer"},
            {"{\"entries\":[{\"cell\":\"x\",\"epoch\":1,\"members\":[]}]}", "members must hold 1-15 members"},
            {"{\"entries\":[{\"cell\":\"x\",\"epoch\":1,\"members\":[{\"node\":\"n1\",\"http\":\"nohost\"}]}]}", "http must be host:port"},
            {"{\"entries\":[{\"cell\":\"x y\",\"epoch\":1,\"members\":[{\"node\":\"n1\"}]}]}", "entries[0].cell must be a cell name"},
            {"{\"entries\":[{\"cell\":\"x\",\"epoch\":1,\"members\":[{\"node\":\"n1\"},{\"node\":\"n1\"}]}]}", "lists 'n1' twice"},
            {"{\"entries\":[{\"cell\":\"x\",\"epoch\":1,\"size\":3,\"members\":[{\"node\":\"n1\"}]}]}", "unknown field 'size'"},
            {"{\"entries\":{}}", "must be an array"},
        };
        for (String[] b : bad) {
            HttpResponse<String> r = send("POST", "/admin/discovery", b[0], token);
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains(b[1]), "expected '" + b[1] + "' in " + r.body());
        }
        assertEquals(404, send("GET", "/admin/discovery/cells/x", null, token).statusCode(), "nothing of the bad pushes was kept");
        HttpResponse<String> ok = send("POST", "/admin/discovery",
                "{\"entries\":[{\"cell\":\"x\",\"epoch\":4,\"members\":[{\"node\":\"n1\",\"http\":\"10.0.0.1:80\"}]}]}", token);
        assertEquals(200, ok.statusCode(), ok.body());
        HttpResponse<String> older = send("POST", "/admin/discovery",
                "{\"entries\":[{\"cell\":\"x\",\"epoch\":3,\"members\":[{\"node\":\"n9\",\"http\":null}]}]}", token);
        assertTrue(older.body().contains("\"newer\":0"), older.body());
        String held = send("GET", "/discovery/cells/x", null).body();
        assertTrue(held.contains("\"epoch\":4") && held.contains("10.0.0.1:80"), "the newer epoch wins: " + held);
    }

    @Test
    void leasesOverHttp() throws Exception {
        String l = "/cells/t/leases/job";
        HttpResponse<String> a = send("POST", l + "/acquire", "{\"holder\":\"a\",\"durationMillis\":5000}");
        assertEquals(200, a.statusCode(), a.body());
        JsonObject granted = new JsonObject(a.body());
        assertEquals("GRANTED", granted.getString("status"));
        long token = granted.getLong("token");
        assertTrue(token > 0 && granted.getLong("durationMillis") == 5000, a.body());
        assertTrue(a.headers().firstValue("Physalia-High-Water").isPresent());
        HttpResponse<String> other = send("POST", l + "/acquire", "{\"holder\":\"b\",\"durationMillis\":5000}");
        assertEquals(409, other.statusCode(), other.body());
        assertTrue(other.body().contains("\"status\":\"HELD_BY_OTHER\"") && other.body().contains("\"holder\":\"a\""), other.body());
        JsonObject seen = new JsonObject(send("GET", l, null).body());
        assertTrue(seen.getBoolean("held") && seen.getString("holder").equals("a") && seen.getLong("token") == token, seen.encode());
        HttpResponse<String> renewed = send("POST", l + "/renew", "{\"holder\":\"a\",\"token\":" + token + "}");
        assertEquals(200, renewed.statusCode(), renewed.body());
        assertEquals(token, new JsonObject(renewed.body()).getLong("token"), "a renewal keeps the fencing token");
        assertEquals(5000, new JsonObject(renewed.body()).getLong("durationMillis"));
        assertEquals(409, send("POST", l + "/renew", "{\"holder\":\"b\",\"token\":" + token + "}").statusCode());
        HttpResponse<String> wrong = send("POST", l + "/release", "{\"holder\":\"a\",\"token\":" + (token + 100) + "}");
        assertEquals(409, wrong.statusCode());
        assertTrue(wrong.body().contains("NOT_HOLDER"), wrong.body());
        assertEquals(200, send("POST", l + "/release", "{\"holder\":\"a\",\"token\":" + token + "}").statusCode());
        assertTrue(send("GET", l + "?consistency=eventual", null).body().contains("\"held\":false"));
        JsonObject next = new JsonObject(send("POST", l + "/acquire", "{\"holder\":\"b\",\"durationMillis\":5000}").body());
        assertEquals("GRANTED", next.getString("status"));
        assertTrue(next.getLong("token") > token, "fencing tokens grow with every grant");

        String once = "{\"holder\":\"c\",\"durationMillis\":5000,\"client\":\"s1\",\"seq\":1}";
        JsonObject first = new JsonObject(send("POST", "/cells/t/leases/once/acquire", once).body());
        JsonObject again = new JsonObject(send("POST", "/cells/t/leases/once/acquire", once).body());
        assertEquals(first.getLong("token"), again.getLong("token"), "a retried (client, seq) applies once");
        assertEquals(first.getLong("version"), again.getLong("version"), "the retry got the recorded result, not a renewal");
    }

    @Test
    void scansPageThroughKeys() throws Exception {
        StringBuilder ops = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            ops.append(i == 0 ? "" : ",").append("{\"op\":\"put\",\"key\":\"p/").append(String.format("%02d", i))
                    .append("\",\"value\":{\"int\":\"").append(i).append("\"}}");
        }
        assertEquals(200, send("POST", "/cells/t/txn", "{\"ops\":[" + ops + "]}").statusCode());
        List<String> keys = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            JsonObject page = new JsonObject(send("GET", "/cells/t/keys?prefix=p/&pageSize=10"
                    + (token == null ? "" : "&pageToken=" + token), null).body());
            for (Object e : page.getJsonArray("entries")) {
                keys.add(((JsonObject) e).getString("key"));
            }
            token = page.getString("nextPageToken");
            pages++;
        } while (token != null);
        assertEquals(3, pages);
        assertEquals(25, keys.size());
        assertEquals("p/00", keys.get(0));
        assertEquals("p/24", keys.get(24));
        JsonObject range = new JsonObject(send("GET", "/cells/t/keys?start=p/05&end=p/08&consistency=eventual", null).body());
        assertEquals(3, range.getJsonArray("entries").size(), range.encode());
        assertEquals("{\"int\":\"5\"}", range.getJsonArray("entries").getJsonObject(0).getJsonObject("value").encode());
        HttpResponse<String> slash = send("GET", "/cells/t/keys/p%2F07", null);
        assertTrue(slash.body().contains("\"key\":\"p/07\"") && slash.body().contains("{\"int\":\"7\"}"),
                "a key with a slash, escaped in the path: " + slash.body());
    }

    @Test
    void theHighWaterMarkMakesEventualReadsMonotonic() throws Exception {
        HttpResponse<String> w = send("POST", "/cells/t/txn", "{\"ops\":[{\"op\":\"put\",\"key\":\"hw\",\"value\":{\"bool\":true}}]}");
        long mark = Long.parseLong(w.headers().firstValue("Physalia-High-Water").orElseThrow());
        assertEquals(new JsonObject(w.body()).getLong("slot") + 1, mark, "a write's mark is one past its slot");
        HttpResponse<String> r = send("GET", "/cells/t/keys/hw?consistency=eventual&minSlot=" + mark, null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"found\":true"));
        assertTrue(Long.parseLong(r.headers().firstValue("Physalia-High-Water").orElseThrow()) >= mark);
        HttpResponse<String> ahead = send("GET", "/cells/t/keys/hw?consistency=eventual&minSlot=" + (mark + 1000), null);
        assertEquals(503, ahead.statusCode(), "a replica behind the session does not serve it");
        assertTrue(ahead.body().contains("session needs") && ahead.headers().firstValue("Retry-After").isPresent(), ahead.body());
    }

    @Test
    void cellStatusAndDiscovery() throws Exception {
        JsonObject st = new JsonObject(send("GET", "/cells/t", null).body());
        assertEquals("n1@0", st.getString("member"));
        assertEquals(0, st.getLong("epoch"));
        assertEquals(base.substring("http://".length()), st.getJsonArray("members").getJsonObject(0).getString("http"));
        HttpResponse<String> found = send("GET", "/discovery/cells/t", null);
        assertEquals(200, found.statusCode(), found.body());
        JsonObject e = new JsonObject(found.body());
        assertEquals("n1", e.getJsonArray("members").getJsonObject(0).getString("node"));
        assertEquals(0, e.getLong("epoch"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (new JsonObject(send("GET", "/discovery", null).body()).getInteger("entries") < 1) {
            assertTrue(System.currentTimeMillis() < deadline, "the cell's entry was never pushed to its owner (this node)");
            Thread.sleep(50);
        }
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

    @Test
    void cleartextHttp2UpgradeIsRefusedAndAnsweredInHttp11() throws Exception {
        try (HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            for (int i = 0; i < 3; i++) { // the first request on a connection asks to upgrade; later ones reuse it
                HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(HttpClient.Version.HTTP_1_1, r.version(), "the node must not switch to h2c");
            }
        }
    }
}
