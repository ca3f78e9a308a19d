package io.physalia.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's shape, without Grafana: variables datasource, colony and color; every panel
 * on the prometheus data source with queries; every query filtered by colony, and by color
 * unless it is about the whole colony (the pause, the refused count). PrometheusColonyTest runs
 * every query on a real Prometheus.
 */
class DashboardTest {
    @Test
    void panelsArePerColorAndEveryQueryIsFiltered() throws Exception {
        Dashboard d = Dashboard.load();
        assertEquals(List.of("datasource", "colony", "color"), d.variables());
        List<Dashboard.Query> queries = d.queries();
        assertTrue(queries.size() >= 15, "queries: " + queries.size());
        Set<String> titles = new HashSet<>();
        for (Dashboard.Query q : queries) {
            titles.add(q.panel());
            assertTrue(q.expr().contains("colony=~\"$colony\""), q.toString());
            boolean colonyWide = q.expr().contains("physalia_operator_paused") || q.expr().contains("result=\"refused\"");
            assertTrue(colonyWide || q.expr().contains("color=~\"$color"), "not filtered by color: " + q);
        }
        for (String wanted : List.of("Requests per second", "Server error share", "Latency p99 and p50 of successful requests",
                "Cells by state (operator)", "Rollout state (operator)", "Actions by kind and result (operator)")) {
            assertTrue(titles.contains(wanted), wanted + " in " + titles);
        }
        Set<Integer> ids = new HashSet<>();
        for (Object o : d.json().getJsonArray("panels")) {
            JsonObject p = (JsonObject) o;
            assertTrue(ids.add(p.getInteger("id")), "panel ids are unique: " + p.getInteger("id"));
            JsonObject grid = p.getJsonObject("gridPos");
            assertTrue(grid.getInteger("x") + grid.getInteger("w") <= 24, p.getString("title"));
            if (!"row".equals(p.getString("type"))) {
                assertEquals("prometheus", p.getJsonObject("datasource").getString("type"), p.getString("title"));
            }
        }
    }
}
