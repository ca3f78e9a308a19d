package io.physalia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What physalia local --prometheus-config writes, and the directories it refuses (naming the flag). */
class PrometheusConfigTest {

    @Test
    void writesAScrapeConfigWithLabelledTargetsTheRulesAndTheDashboard(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("prom"); // created: it did not exist
        assertNull(PrometheusConfig.problem(out));
        Path config = PrometheusConfig.write(out, "local", List.of(new PrometheusConfig.Target("n1", "blue", "127.0.0.1:7401"),
                new PrometheusConfig.Target("n2", "green", "127.0.0.1:7402")), Duration.ofSeconds(5));
        assertEquals(out.resolve("prometheus.yml"), config);
        String yml = Files.readString(config);
        for (String line : List.of("scrape_interval: 5s", "scrape_timeout: 5s", "evaluation_interval: 5s", "- physalia-rules.yml",
                "job_name: physalia", "honor_labels: true", "files: [physalia-targets.json]")) {
            assertTrue(yml.contains(line), line + " in\n" + yml);
        }
        JsonArray targets = new JsonArray(Files.readString(out.resolve("physalia-targets.json")));
        assertEquals(2, targets.size());
        JsonObject first = targets.getJsonObject(0);
        assertEquals(new JsonArray().add("127.0.0.1:7401"), first.getJsonArray("targets"));
        assertEquals(new JsonObject().put("colony", "local").put("color", "blue").put("node", "n1"), first.getJsonObject("labels"));
        assertTrue(Files.readString(out.resolve("physalia-rules.yml")).contains("alert: PhysaliaCellsWithoutQuorum"),
                "the rules file, as packaged from monitoring/");
        assertEquals("physalia-colors", new JsonObject(Files.readString(out.resolve("dashboard.json"))).getString("uid"));
        try (var files = Files.list(out)) {
            assertEquals(4, files.count(), "no temporary file left");
        }
    }

    @Test
    void aFileOrAnUnwritablePlaceIsRefusedNamingTheFlag(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        String p = PrometheusConfig.problem(file);
        assertTrue(p != null && p.startsWith("--prometheus-config ") && p.contains("not a directory"), p);
        String under = PrometheusConfig.problem(file.resolve("sub"));
        assertTrue(under != null && under.startsWith("--prometheus-config ") && under.contains("cannot create"), under);
        assertTrue(PrometheusConfig.problem(Path.of("")).startsWith("--prometheus-config"));
        assertTrue(Main.USAGE.contains("--prometheus-config DIR"), "the usage text shows the flag");
    }
}
