package io.physalia.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.cli.PrometheusConfig;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.node.local.FreePorts;
import io.physalia.node.local.LocalColony;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's, found on PATH) against a local colony of six real node processes,
 * two colors of three (n1-n3 blue, n4-n6 green), two cells of 3 in each color, with writes going
 * on in both (one every 2 s). Prometheus finds the nodes through the file-based service discovery that
 * {@code physalia local --prometheus-config} writes ({@link PrometheusConfig}, scraping and
 * evaluating every second) and loads the rules file; in this test's copy of the rules every
 * {@code for:} is 3 s instead of minutes (the one change, made below), so alerts fire within
 * seconds. Then:
 * <ol>
 *   <li>every target is up and no alert is pending or firing;</li>
 *   <li>every query of the dashboard parses; those over node metrics return series (those over
 *       the operator's metrics may return none: no operator runs here);</li>
 *   <li>kill -9 of n1 and n2: blue's cells lose their quorum; PhysaliaCellsWithoutQuorum fires
 *       for blue (from n3, the survivor) and PhysaliaNodeDown for n1 and n2, while no alert of
 *       any state has color green.</li>
 * </ol>
 */
class PrometheusColonyTest {
    private static final String FOR_IN_TEST = "3s";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final long startNanos = System.nanoTime();
    private String prometheus;

    @Test
    void alertsFireForTheColorThatLostItsQuorumAndOnlyForIt(@TempDir Path dir) throws Exception {
        Path prometheusBin = Tools.onPath("prometheus");
        LocalColony colony = new LocalColony(dir.resolve("colony"), LocalColony.freePorts(6));
        Map<String, String> colors = new TreeMap<>();
        for (LocalColony.NodeSpec n : colony.specs()) {
            colors.put(n.name(), Integer.parseInt(n.name().substring(1)) <= 3 ? "blue" : "green");
        }
        String peerColors = colors.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        colors.forEach((n, c) -> colony.nodeArgs(n, List.of("--labels", "physalia.io/color=" + c, "--peer-colors", peerColors)));
        List<Thread> writers = new ArrayList<>();
        Process server = null;
        try {
            colony.startAll(line -> { });
            phase("6 nodes ready");
            PhysaliaClient blue = client(colony, 0, 3);
            PhysaliaClient green = client(colony, 3, 6);
            for (String cell : List.of("b1", "b2")) {
                Response r = blue.createCell(cell, List.of("n1", "n2", "n3"));
                assertEquals(201, r.status(), r.body());
            }
            for (String cell : List.of("g1", "g2")) {
                Response r = green.createCell(cell, List.of("n4", "n5", "n6"));
                assertEquals(201, r.status(), r.body());
            }
            writers.add(writer(blue, "b1"));
            writers.add(writer(green, "g1"));

            Path config = prometheusFiles(dir.resolve("prometheus"), colony, colors);
            int port = FreePorts.ports(1)[0];
            prometheus = "127.0.0.1:" + port;
            server = new ProcessBuilder(prometheusBin.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("prometheus").resolve("data"), "--web.listen-address=" + prometheus,
                    "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus").resolve("prometheus.out").toFile()).start();
            Process running = server;
            await("Prometheus ready", 60, () -> running.isAlive() && status("/-/ready") == 200);
            phase("Prometheus ready");

            // 1. all up, rules evaluated over both colors' traffic, nothing pending or firing
            await("six targets up", 60, () -> value("count(up{job=\"physalia\"} == 1)") == 6);
            await("requests of both colors in the recording rules", 60,
                    () -> value("count(colony_color:physalia_requests:rate5m > 0)") == 2);
            Thread.sleep(3000); // three more evaluations: long enough for any alert to be pending at least
            assertEquals(List.of(), alerts(), "a healthy colony raises no alert");
            phase("healthy: no alert");

            // 2. the dashboard's queries
            int nodeQueries = 0;
            int operatorQueries = 0;
            for (Dashboard.Query q : Dashboard.load().queries()) {
                JsonObject answer = query(q.substituted(LocalColony.COLONY, "blue|green"));
                assertEquals("success", answer.getString("status"), q + " -> " + answer.encode());
                int series = answer.getJsonObject("data").getJsonArray("result").size();
                if (q.operatorOnly()) {
                    operatorQueries++; // parsed and evaluated; no operator runs here, so no series
                } else {
                    nodeQueries++;
                    assertTrue(series > 0, "a query over node metrics returns series: " + q);
                }
            }
            assertTrue(nodeQueries >= 10 && operatorQueries >= 4, nodeQueries + " node queries, " + operatorQueries + " operator queries");
            phase("dashboard: " + nodeQueries + " node queries with series, " + operatorQueries + " operator queries parsed");

            // 3. kill -9 two of blue's three nodes
            colony.kill9(0);
            colony.kill9(1);
            phaseAt = System.nanoTime();
            await("blue's alerts firing", 60, () -> {
                List<JsonObject> firing = alerts().stream().filter(a -> "firing".equals(a.getString("state"))).toList();
                return has(firing, "PhysaliaCellsWithoutQuorum", "color", "blue")
                        && has(firing, "PhysaliaNodeDown", "node", "n1") && has(firing, "PhysaliaNodeDown", "node", "n2");
            });
            long firedMillis = sinceMillis(phaseAt);
            List<JsonObject> all = alerts();
            for (JsonObject a : all) {
                assertEquals("blue", a.getJsonObject("labels").getString("color"), "only blue alerts: " + a.encode());
            }
            assertEquals(0.0, value("count(ALERTS{color=\"green\"}) or vector(0)"), "green stays quiet");
            assertEquals(2.0, value("physalia_cells_without_quorum{node=\"n3\"}"), "n3's replicas of b1 and b2");
            assertEquals(0.0, value("max(physalia_cells_without_quorum{color=\"green\"})"));
            phase("blue's alerts firing " + firedMillis + " ms after kill -9: "
                    + all.stream().map(a -> a.getJsonObject("labels").getString("alertname") + "/" + a.getString("state")).sorted().toList());
        } finally {
            writers.forEach(Thread::interrupt);
            if (server != null) {
                server.destroy();
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            colony.close();
        }
    }

    /**
     * The files {@code physalia local --prometheus-config} writes, scraping every second, with the
     * test's one change: the rules' {@code for:} durations shortened to {@value #FOR_IN_TEST}.
     */
    private static Path prometheusFiles(Path dir, LocalColony colony, Map<String, String> colors) throws IOException {
        List<PrometheusConfig.Target> targets = colony.specs().stream()
                .map(n -> new PrometheusConfig.Target(n.name(), colors.get(n.name()), n.http())).toList();
        Path config = PrometheusConfig.write(dir, LocalColony.COLONY, targets, Duration.ofSeconds(1));
        Path rules = dir.resolve(PrometheusConfig.RULES);
        String original = Files.readString(rules);
        String shortened = original.replaceAll("(?m)^(\\s+for:) \\d+[smh]$", "$1 " + FOR_IN_TEST);
        assertTrue(!shortened.equals(original) && !shortened.matches("(?s).*for: \\d+m.*"), "every for: shortened");
        Files.writeString(rules, shortened);
        return config;
    }

    private PhysaliaClient client(LocalColony colony, int from, int to) {
        return new PhysaliaClient(colony.specs().subList(from, to).stream().map(LocalColony.NodeSpec::http).toList());
    }

    /**
     * Writes to {@code cell} every 2 s until interrupted (failures, once its quorum is gone,
     * included): requests for the dashboard's queries, below the 1 request a second the
     * regression and overload alerts need to compare anything (a loaded 2-core machine's latency
     * must not make this test's verdict).
     */
    private static Thread writer(PhysaliaClient client, String cell) {
        Thread t = new Thread(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                try {
                    client.put(cell, "k" + (i % 10), "{\"int\":\"" + i + "\"}");
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the cell lost its quorum: keep asking, as clients do
                }
            }
        }, "writer-" + cell);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean has(List<JsonObject> alerts, String name, String label, String value) {
        return alerts.stream().anyMatch(a -> name.equals(a.getJsonObject("labels").getString("alertname"))
                && value.equals(a.getJsonObject("labels").getString(label)));
    }

    /** Every alert Prometheus holds, pending or firing. */
    private List<JsonObject> alerts() {
        try {
            JsonArray a = new JsonObject(get("/api/v1/alerts")).getJsonObject("data").getJsonArray("alerts");
            List<JsonObject> out = new ArrayList<>();
            a.forEach(o -> out.add((JsonObject) o));
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("Prometheus's alerts: " + e, e);
        }
    }

    /** The answer of {@code /api/v1/query} (an error answer included: a query that does not parse is a 400). */
    private JsonObject query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + prometheus + "/api/v1/query?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new JsonObject(r.body());
    }

    /** The one value of an instant query, NaN if it has none (or Prometheus is not answering). */
    private double value(String promql) {
        try {
            JsonArray result = query(promql).getJsonObject("data").getJsonArray("result");
            return result.size() == 1 ? Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1)) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + prometheus + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + prometheus + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private long phaseAt = System.nanoTime();

    private void phase(String what) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, what);
        phaseAt = System.nanoTime();
    }

    private static long sinceMillis(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(250);
        }
    }
}
