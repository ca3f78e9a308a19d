package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.client.PhysaliaClient;
import io.physalia.crds.Cell;
import io.physalia.crds.CellSpec;
import io.physalia.crds.Colony;
import io.physalia.monitoring.Dashboard;
import io.physalia.monitoring.PrometheusServer;
import io.physalia.monitoring.SteadyWriter;
import io.physalia.operator.MetricsEndpoint;
import io.physalia.operator.Names;
import io.physalia.operator.NodePorts;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's dashboard and rules on a real Prometheus that scrapes a real operator and its real
 * node processes, as a cluster with the chart's PodMonitors would: the node pods found on the real
 * API server, labelled as the node PodMonitor labels them; the operator's {@code /metrics} served
 * by its {@link MetricsEndpoint}. A colony of two colors
 * of 3 node pods, one cell of 3 per color, writes going on in both. Then:
 * <ol>
 *   <li>with the colony paused (so the pause panels have something to show), every query of the
 *       dashboard returns series, the operator's included, and every rule evaluates without an
 *       error over the real series;</li>
 *   <li>two of blue's three nodes held down: the operator finds blue's cell without a quorum, and
 *       PhysaliaCellsUnavailable (a rule over the operator's metrics) fires for blue, while no
 *       alert has color green.</li>
 * </ol>
 */
@ExtendWith(ControlPlaneExtension.class)
class OperatorDashboardTest {
    static final String NS = "dashboard-e2e";
    static final String COLONY = "dash";
    static final List<String> CELLS = List.of("blue-cell", "green-cell");
    static final Duration SETTLE = Duration.ofMinutes(4);
    /** Every alert's {@code for:} in the test, as in the monitoring module's Prometheus test. */
    static final String FOR_IN_TEST = "3s";
    /**
     * One write every 2 s per color: below the 1 request a second the regression and overload
     * alerts need to compare colors, as in the monitoring module's Prometheus test.
     */
    static final Duration WRITE_EVERY = Duration.ofSeconds(2);
    private final long startNanos = System.nanoTime();

    @Test
    void everyDashboardQueryReturnsSeriesAndAnOperatorAlertFiresForOneColor(ControlPlane plane, @TempDir Path dir) throws Exception {
        try (OperatorColony colony = OperatorColony.start(plane, NS, COLONY, new OperatorColony.Shape(1, 7, 2, 3, 7), spec -> { });
                MetricsEndpoint metrics = MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0),
                        () -> colony.operator.scrapeMetrics())) {
            KubernetesClient client = plane.client();
            phase("colony Ready");
            for (String name : CELLS) {
                createCell(client, name, name.substring(0, name.indexOf('-')));
            }
            plane.await("both cells Ready with every member caught up", SETTLE,
                    () -> CELLS.stream().allMatch(colony::settled));
            phase("cells Ready");
            List<Thread> writers = new ArrayList<>();
            for (String name : CELLS) {
                writers.add(writer(colony, name));
            }
            try (PrometheusServer p = PrometheusServer.start(dir.resolve("prometheus"), prometheusConfig(client, dir, metrics.port()))) {
                phase("Prometheus ready at http://" + p.address());
                PrometheusServer.await("six node targets and the operator up", 60,
                        () -> p.value("count(up{job=\"physalia\",colony=\"" + COLONY + "\"} == 1)") == 6
                                && p.value("up{job=\"physalia-operator\"}") == 1);

                // 1. paused: every dashboard query has series; every rule evaluates
                client.resources(Colony.class).inNamespace(NS).withName(COLONY).edit(c -> {
                    c.getSpec().setPaused(true);
                    c.getSpec().setPauseReason("dashboard test");
                    return c;
                });
                List<Dashboard.Query> queries = Dashboard.load(Helm.CHART.resolve("files/dashboard.json")).queries();
                Map<String, String> empty = new LinkedHashMap<>();
                try {
                    PrometheusServer.await("every dashboard query to return series", 90, () -> {
                        empty.clear();
                        for (Dashboard.Query q : queries) {
                            String why = seriesProblem(p, q);
                            if (why != null) {
                                empty.put(q.panel() + " " + q.refId(), why);
                            }
                        }
                        return empty.isEmpty();
                    });
                } catch (IllegalStateException e) {
                    throw new AssertionError("dashboard queries without series: " + empty, e);
                }
                long operatorQueries = queries.stream().filter(Dashboard.Query::operatorOnly).count();
                assertTrue(operatorQueries >= 6, "the dashboard's operator queries: " + operatorQueries);
                phase("dashboard: all " + queries.size() + " queries return series, " + operatorQueries + " of them over the operator's metrics");
                List<String> unhealthy = new ArrayList<>();
                PrometheusServer.await("every rule evaluated", 30, () -> {
                    unhealthy.clear();
                    unhealthy.addAll(ruleProblems(p));
                    return unhealthy.stream().noneMatch(r -> r.endsWith("unknown"));
                });
                assertEquals(List.of(), unhealthy, "every rule evaluates without an error over the real series");
                assertEquals(List.of(), p.alerts(), "a healthy colony, paused for seconds, raises no alert");
                phase("rules: all evaluated, no alert");

                // 2. blue's cell loses its quorum: the operator's alert fires for blue only
                List<String> blueMembers = colony.members("blue-cell");
                for (String pod : blueMembers.subList(0, 2)) {
                    colony.runner.hold(NS, pod);
                }
                long heldAt = System.nanoTime();
                PrometheusServer.await("PhysaliaCellsUnavailable firing for blue", 90, () -> p.alerts().stream()
                        .anyMatch(a -> "firing".equals(a.getString("state"))
                                && "PhysaliaCellsUnavailable".equals(a.getJsonObject("labels").getString("alertname"))
                                && "blue".equals(a.getJsonObject("labels").getString("color"))
                                && COLONY.equals(a.getJsonObject("labels").getString("colony"))));
                long firedMillis = (System.nanoTime() - heldAt) / 1_000_000;
                assertEquals(1.0, p.value("physalia_operator_cells{colony=\"" + COLONY + "\",color=\"blue\",state=\"unavailable\"}"));
                assertEquals(0.0, p.value("physalia_operator_cells{colony=\"" + COLONY + "\",color=\"green\",state=\"unavailable\"}"));
                List<JsonObject> alerts = p.alerts();
                for (JsonObject a : alerts) {
                    assertEquals("blue", a.getJsonObject("labels").getString("color"), "only blue alerts: " + a.encode());
                }
                phase("PhysaliaCellsUnavailable firing for blue " + firedMillis + " ms after " + blueMembers.subList(0, 2)
                        + " went down; alerts: " + alerts.stream()
                                .map(a -> a.getJsonObject("labels").getString("alertname") + "/" + a.getString("state")).sorted().toList());
            } finally {
                writers.forEach(Thread::interrupt);
            }
        }
    }

    /** Why query {@code q} shows nothing for this colony and its two colors now, or null if it returns series. */
    private static String seriesProblem(PrometheusServer p, Dashboard.Query q) {
        try {
            JsonObject answer = p.query(q.substituted(COLONY, String.join("|", OperatorColony.COLORS), "15s"));
            if (!"success".equals(answer.getString("status"))) {
                return answer.encode();
            }
            return answer.getJsonObject("data").getJsonArray("result").isEmpty() ? "no series" : null;
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Each rule that has not evaluated cleanly: "group/rule: health (last error)". */
    private static List<String> ruleProblems(PrometheusServer p) {
        List<String> out = new ArrayList<>();
        try {
            for (JsonObject g : p.ruleGroups()) {
                for (Object o : g.getJsonArray("rules")) {
                    JsonObject r = (JsonObject) o;
                    if (!"ok".equals(r.getString("health"))) {
                        out.add(g.getString("name") + "/" + r.getString("name") + ": " + r.getString("lastError", "") + " " + r.getString("health"));
                    }
                }
            }
        } catch (Exception e) {
            out.add("rules unreadable: " + e + " unknown");
        }
        return out;
    }

    /**
     * Prometheus's configuration: the nodes with the labels the chart's node PodMonitor gives them
     * (job {@code physalia}, colony, color and node from the pod, honouring the nodes' own labels),
     * the operator on its metrics port, and the chart's rules with every {@code for:} shortened to
     * {@value #FOR_IN_TEST}. Debian's Prometheus is built without Kubernetes service discovery, so
     * the nodes are listed from the API server here (the PodMonitor's selection: pods of
     * {@code app.kubernetes.io/name=physalia-node}, their port {@code http}) into a file that
     * Prometheus's file discovery reads.
     */
    private static Path prometheusConfig(KubernetesClient client, Path dir, int operatorPort) throws Exception {
        Path rules = dir.resolve("physalia-rules.yml");
        Files.writeString(rules, PrometheusServer.shortenedFor(Files.readString(Helm.CHART.resolve("files/physalia-rules.yml")),
                FOR_IN_TEST));
        List<Map<String, Object>> targets = new ArrayList<>();
        for (Pod pod : client.pods().inNamespace(NS).withLabel(Names.APP_LABEL, Names.APP).list().getItems()) {
            int port = pod.getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream())
                    .filter(x -> "http".equals(x.getName())).findFirst().orElseThrow().getContainerPort();
            Map<String, String> labels = pod.getMetadata().getLabels();
            targets.add(Map.of("targets", List.of(pod.getStatus().getPodIP() + ":" + port), "labels", Map.of(
                    "colony", labels.get(Names.COLONY_LABEL), "color", labels.get(Names.COLOR_LABEL), "node", pod.getMetadata().getName())));
        }
        Path nodes = dir.resolve("nodes.json");
        Files.writeString(nodes, new io.vertx.core.json.JsonArray(targets).encodePrettily());
        String config = """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: physalia
                    honor_labels: true
                    file_sd_configs:
                      - files: ['%s']
                  - job_name: physalia-operator
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(rules, nodes, operatorPort);
        Path file = dir.resolve("prometheus.yml");
        Files.writeString(file, config);
        return file;
    }

    private static void createCell(KubernetesClient client, String name, String color) {
        Cell c = new Cell();
        c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        CellSpec spec = new CellSpec();
        spec.setColor(color);
        spec.setSize(3);
        c.setSpec(spec);
        client.resource(c).create();
    }

    /**
     * Writes to {@code cell} through its members, once every {@link #WRITE_EVERY}, until
     * interrupted.
     */
    private static Thread writer(OperatorColony colony, String cell) {
        List<String> addresses = colony.members(cell).stream().map(colony::ip).map(NodePorts::http).toList();
        return SteadyWriter.start(new PhysaliaClient(addresses), cell, WRITE_EVERY);
    }

    private void phase(String what) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, what);
    }
}
