package io.physalia.monitoring;

import io.physalia.node.local.FreePorts;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Prometheus server (Debian's, found on PATH) run from a configuration file, and its HTTP
 * API as tests read it: instant and range queries, alerts, rule groups. Used by the local
 * colony's tests here ({@link PrometheusColony}) and by the operator's in {@code e2e}, so both
 * start and ask Prometheus the same way.
 */
public final class PrometheusServer implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Process process;
    private final String address;

    private PrometheusServer(Process process, String address) {
        this.process = process;
        this.address = address;
    }

    /**
     * Starts Prometheus on {@code config}, its data and output ({@code prometheus.out}) in
     * {@code dir}, on a free loopback port; returns once it answers {@code /-/ready}. Fails (and
     * stops it) if it exits or is not ready within a minute.
     */
    public static PrometheusServer start(Path dir, Path config) throws IOException, InterruptedException {
        Path binary = Tools.onPath("prometheus");
        Files.createDirectories(dir);
        String address = "127.0.0.1:" + FreePorts.ports(1)[0];
        Path out = dir.resolve("prometheus.out");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=" + address, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, address);
        try {
            await("Prometheus ready (its output: " + out + ")", 60, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Prometheus exited with " + process.exitValue() + ": " + read(out));
                }
                return server.status("/-/ready") == 200;
            });
            return server;
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    /** host:port of its HTTP API and UI. */
    public String address() {
        return address;
    }

    /** Every alert Prometheus holds, pending or firing. */
    public List<JsonObject> alerts() {
        try {
            return objects(new JsonObject(get("/api/v1/alerts")).getJsonObject("data").getJsonArray("alerts"));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("Prometheus's alerts: " + e, e);
        }
    }

    /** Every rule group, as {@code /api/v1/rules} answers (each rule with its health and last error). */
    public List<JsonObject> ruleGroups() throws IOException, InterruptedException {
        return objects(new JsonObject(get("/api/v1/rules")).getJsonObject("data").getJsonArray("groups"));
    }

    private static List<JsonObject> objects(JsonArray a) {
        List<JsonObject> out = new ArrayList<>();
        a.forEach(o -> out.add((JsonObject) o));
        return out;
    }

    /** The answer of {@code /api/v1/query} (an error answer included: a query that does not parse is a 400). */
    public JsonObject query(String promql) throws IOException, InterruptedException {
        return new JsonObject(get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
    }

    /** The answer of {@code /api/v1/query_range} from {@code start} to {@code end}, a point per {@code step}. */
    public JsonObject queryRange(String promql, Instant start, Instant end, Duration step) throws IOException, InterruptedException {
        return new JsonObject(get("/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start=" + start.getEpochSecond() + "&end=" + end.getEpochSecond() + "&step=" + step.toSeconds()));
    }

    /** The one value of an instant query, NaN if it has none (or Prometheus is not answering). */
    public double value(String promql) {
        try {
            JsonArray result = query(promql).getJsonObject("data").getJsonArray("result");
            return result.size() == 1 ? Double.parseDouble(result.getJsonObject(0).getJsonArray("value").getString(1)) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Polls {@code condition} every 250 ms; fails saying {@code what} after {@code seconds}. */
    public static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    /**
     * {@code rules} with every alert's {@code for:} shortened to {@code shortFor}, so alerts fire
     * within seconds in a test (the one change). Fails if the rules' layout changed so that some
     * {@code for:} would be left as it was.
     */
    public static String shortenedFor(String rules, String shortFor) {
        String shortened = rules.replaceAll("(?m)^(\\s+for:) \\d+[smh]$", "$1 " + shortFor);
        if (shortened.equals(rules) || shortened.matches("(?s).*for: \\d+[mh].*")) {
            throw new IllegalStateException("not every for: of the rules shortened: their format changed?");
        }
        return shortened;
    }

    /** Stops Prometheus (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
