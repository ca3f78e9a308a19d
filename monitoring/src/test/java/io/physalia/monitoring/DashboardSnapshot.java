package io.physalia.monitoring;

import io.physalia.node.local.LocalColony;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders docs/img/dashboard.svg: Grafana cannot run here, so the dashboard's own queries run
 * against a real {@link PrometheusColony} through Prometheus's {@code query_range} API, and
 * {@link DashboardSvg} draws the answers. Scenario: {@link #HEALTHY} of writes on both colors,
 * then kill -9 of blue's n1 and n2 (blue's cells lose their quorum), then {@link #AFTER} more.
 * Run by the Maven profile {@code dashboard-snapshot} (never by a plain build: it takes about two
 * minutes and rewrites a file under docs/). Progress goes to stderr.
 */
public final class DashboardSnapshot {
    static final Duration HEALTHY = Duration.ofSeconds(40);
    static final Duration AFTER = Duration.ofSeconds(40);
    /** One write per 200 ms per color: enough traffic for smooth rates, far below any overload. */
    static final Duration WRITE_EVERY = Duration.ofMillis(200);
    /** Grafana's $__rate_interval for a 1 s scrape and a 2 s step is a few seconds; 10 s smooths without hiding the kill. */
    static final String RATE_INTERVAL = "10s";
    static final Duration STEP = Duration.ofSeconds(2);
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");
    private static final long START = System.nanoTime();

    private DashboardSnapshot() {}

    public static void main(String[] args) throws Exception {
        Path out = Tools.module().resolveSibling("docs").resolve("img").resolve("dashboard.svg");
        Path dir = Files.createTempDirectory("dashboard-snapshot");
        try (PrometheusColony p = PrometheusColony.start(dir, WRITE_EVERY, DashboardSnapshot::progress)) {
            PrometheusServer.await("six targets up", 60, () -> p.prometheus().value("count(up{job=\"physalia\"} == 1)") == 6);
            Instant from = Instant.now();
            progress("healthy load on both colors for " + HEALTHY.toSeconds() + " s");
            Thread.sleep(HEALTHY.toMillis());
            Instant killed = Instant.now();
            p.kill9(0);
            p.kill9(1);
            progress("kill -9 of n1 and n2 (blue); watching for " + AFTER.toSeconds() + " s");
            Thread.sleep(AFTER.toMillis());
            Instant to = Instant.now();
            List<DashboardSvg.Panel> panels = new ArrayList<>();
            for (Dashboard.Panel panel : Dashboard.load().panels()) {
                panels.add(data(p, panel, from, to));
            }
            String svg = DashboardSvg.render("Physalia colony by color: blue loses n1 and n2 (kill -9) at "
                    + killed.toString().substring(11, 19) + " UTC, " + killed.toString().substring(0, 10), panels, from, to,
                    List.of(new DashboardSvg.Marker(killed, "kill -9 n1 n2")));
            Files.createDirectories(out.getParent());
            Files.writeString(out, svg);
            progress("wrote " + out + " (" + panels.size() + " panels, from " + from + " to " + to + ")");
        }
        System.exit(0); // the node processes' reader threads are gone; nothing else should keep the JVM
    }

    /** One panel's series: every query's range answer, named by its legend format. */
    private static DashboardSvg.Panel data(PrometheusColony p, Dashboard.Panel panel, Instant from, Instant to) throws Exception {
        List<DashboardSvg.Series> series = new ArrayList<>();
        for (Dashboard.Query q : panel.queries()) {
            JsonObject answer = p.prometheus().queryRange(q.substituted(LocalColony.COLONY, PrometheusColony.COLORS, RATE_INTERVAL), from, to, STEP);
            if (!"success".equals(answer.getString("status"))) {
                throw new IllegalStateException(q + " -> " + answer.encode());
            }
            for (Object r : answer.getJsonObject("data").getJsonArray("result")) {
                JsonObject result = (JsonObject) r;
                List<DashboardSvg.Point> points = new ArrayList<>();
                for (Object v : result.getJsonArray("values")) {
                    JsonArray pair = (JsonArray) v;
                    points.add(new DashboardSvg.Point(pair.getNumber(0).longValue(), Double.parseDouble(pair.getString(1))));
                }
                series.add(new DashboardSvg.Series(legend(q.legend(), result.getJsonObject("metric").getMap()), points));
            }
        }
        progress(panel.title() + ": " + series.size() + " series");
        return new DashboardSvg.Panel(panel.title(), "row".equals(panel.type()), panel.unit(), panel.x(), panel.y(), panel.w(),
                panel.h(), series);
    }

    /** Grafana's legend format: {{label}} replaced by the series' label (empty if it has none). */
    static String legend(String format, Map<String, Object> labels) {
        Matcher m = LEGEND_LABEL.matcher(format);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(labels.getOrDefault(m.group(1), ""))));
        }
        m.appendTail(out);
        String s = out.toString().trim();
        return s.isEmpty() ? labels.toString() : s;
    }

    private static void progress(String what) {
        System.err.printf("[dashboard-snapshot %5.1f s] %s%n", (System.nanoTime() - START) / 1e9, what);
    }
}
