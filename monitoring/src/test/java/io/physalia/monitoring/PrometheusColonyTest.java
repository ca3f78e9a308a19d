package io.physalia.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.node.local.LocalColony;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link PrometheusColony}: six real node processes, blue (n1-n3) and green (n4-n6), two
 * cells of 3 in each color, with writes going on in both (one every 2 s), and a real Prometheus
 * with the rules (every {@code for:} 3 s instead of minutes, so alerts fire within seconds). Then:
 * <ol>
 *   <li>every target is up and no alert is pending or firing;</li>
 *   <li>every query of the dashboard parses; those over node metrics return series (those over
 *       the operator's metrics return none: no operator runs here; e2e's OperatorDashboardTest
 *       runs them against a real operator);</li>
 *   <li>kill -9 of n1 and n2: blue's cells lose their quorum; PhysaliaCellsWithoutQuorum fires
 *       for blue (from n3, the survivor) and PhysaliaNodeDown for n1 and n2, while no alert of
 *       any state has color green.</li>
 * </ol>
 */
class PrometheusColonyTest {
    /**
     * One write every 2 s per color: below the 1 request a second the regression and overload
     * alerts need to compare anything (a loaded 2-core machine's latency must not make this
     * test's verdict).
     */
    private static final Duration WRITE_EVERY = Duration.ofSeconds(2);
    private final long startNanos = System.nanoTime();
    private long phaseAt = System.nanoTime();

    @Test
    void alertsFireForTheColorThatLostItsQuorumAndOnlyForIt(@TempDir Path dir) throws Exception {
        try (PrometheusColony p = PrometheusColony.start(dir, WRITE_EVERY, this::phase)) {
            // 1. all up, rules evaluated over both colors' traffic, nothing pending or firing
            PrometheusServer.await("six targets up", 60, () -> p.prometheus().value("count(up{job=\"physalia\"} == 1)") == 6);
            PrometheusServer.await("requests of both colors in the recording rules", 60,
                    () -> p.prometheus().value("count(colony_color:physalia_requests:rate5m > 0)") == 2);
            Thread.sleep(3000); // three more evaluations: long enough for any alert to be pending at least
            assertEquals(List.of(), p.prometheus().alerts(), "a healthy colony raises no alert");
            phase("healthy: no alert");

            // 2. the dashboard's queries
            int nodeQueries = 0;
            int operatorQueries = 0;
            for (Dashboard.Query q : Dashboard.load().queries()) {
                JsonObject answer = p.prometheus().query(q.substituted(LocalColony.COLONY, PrometheusColony.COLORS));
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
            p.kill9(0);
            p.kill9(1);
            phaseAt = System.nanoTime();
            PrometheusServer.await("blue's alerts firing", 60, () -> {
                List<JsonObject> firing = p.prometheus().alerts().stream().filter(a -> "firing".equals(a.getString("state"))).toList();
                return has(firing, "PhysaliaCellsWithoutQuorum", "color", "blue")
                        && has(firing, "PhysaliaNodeDown", "node", "n1") && has(firing, "PhysaliaNodeDown", "node", "n2");
            });
            long firedMillis = (System.nanoTime() - phaseAt) / 1_000_000;
            List<JsonObject> all = p.prometheus().alerts();
            for (JsonObject a : all) {
                assertEquals("blue", a.getJsonObject("labels").getString("color"), "only blue alerts: " + a.encode());
            }
            assertEquals(0.0, p.prometheus().value("count(ALERTS{color=\"green\"}) or vector(0)"), "green stays quiet");
            assertEquals(2.0, p.prometheus().value("physalia_cells_without_quorum{node=\"n3\"}"), "n3's replicas of b1 and b2");
            assertEquals(0.0, p.prometheus().value("max(physalia_cells_without_quorum{color=\"green\"})"));
            phase("blue's alerts firing " + firedMillis + " ms after kill -9: "
                    + all.stream().map(a -> a.getJsonObject("labels").getString("alertname") + "/" + a.getString("state")).sorted().toList());
        }
    }

    private static boolean has(List<JsonObject> alerts, String name, String label, String value) {
        return alerts.stream().anyMatch(a -> name.equals(a.getJsonObject("labels").getString("alertname"))
                && value.equals(a.getJsonObject("labels").getString(label)));
    }

    private void phase(String what) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, what);
        phaseAt = System.nanoTime();
    }
}
