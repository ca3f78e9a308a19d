package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * physalia_cells_leading and physalia_cells_without_quorum on three real nodes: cells a and b on
 * all three, c on n1 and n2. Leading agrees with what each node's replicas say of themselves;
 * without n2, only n1's replica of c has no quorum in reach (n1 and n3 are 2 of 3 for a and b);
 * with n2 back, none.
 */
class CellQuorumMetricsTest {

    @Test
    void leadersAndCellsWithoutQuorumAreCounted(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("colony.key");
        KeyFile.generate(key);
        String token = KeyFile.load(key).adminToken();
        try (LoopbackColony colony = new LoopbackColony(dir, List.of(key, key, key), false, "quorum", "blue")) {
            colony.awaitAllAlive(Duration.ofSeconds(20));
            PhysaliaClient client = new PhysaliaClient(colony.http);
            assertEquals(201, client.createCell("a", colony.names()).status());
            assertEquals(201, client.createCell("b", colony.names()).status());
            assertEquals(201, client.createCell("c", List.of("n1", "n2")).status());
            for (String cell : List.of("a", "b", "c")) {
                Response r = client.put(cell, "k", "{\"bool\":true}");
                assertEquals(200, r.status(), r.body());
            }
            for (int node = 0; node < 3; node++) {
                Scrape s = colony.scrape(node);
                assertEquals(node == 2 ? 2.0 : 3.0, s.sum("physalia_cells_hosted", Map.of()));
                assertEquals(0.0, s.sum("physalia_cells_without_quorum", Map.of()), LoopbackColony.name(node));
            }
            assertLeadingAsReplicasSay(colony, token, List.of(0, 1, 2), 3);

            colony.stop(1);
            LoopbackColony.await(Duration.ofSeconds(10), "n1 to count c without quorum",
                    () -> value(colony, 0, "physalia_cells_without_quorum") == 1.0);
            assertEquals(0.0, value(colony, 2, "physalia_cells_without_quorum"), "n3: a and b keep n1 and n3");
            assertEquals(200, client.put("a", "k", "{\"bool\":false}").status(), "a still has a quorum");
            assertLeadingAsReplicasSay(colony, token, List.of(0, 2), -1);

            colony.restart(1);
            LoopbackColony.await(Duration.ofSeconds(20), "every cell to have its quorum again", () ->
                    value(colony, 0, "physalia_cells_without_quorum") == 0.0
                            && value(colony, 1, "physalia_cells_without_quorum") == 0.0
                            && value(colony, 2, "physalia_cells_without_quorum") == 0.0);
        }
    }

    /** Each node's physalia_cells_leading equals its replicas that say they lead; {@code total} over them, unless -1. */
    private static void assertLeadingAsReplicasSay(LoopbackColony colony, String token, List<Integer> nodes, int total)
            throws Exception {
        int sum = 0;
        for (int node : nodes) {
            var r = colony.send(node, "GET", "/admin/cells", null, token);
            assertEquals(200, r.statusCode(), r.body());
            int leaders = 0;
            for (Object o : new JsonObject(r.body()).getJsonArray("cells")) {
                if (((JsonObject) o).getBoolean("leader")) {
                    leaders++;
                }
            }
            assertEquals(leaders, value(colony, node, "physalia_cells_leading"), LoopbackColony.name(node) + " " + r.body());
            sum += leaders;
        }
        if (total >= 0) {
            assertEquals(total, sum, "one leader per cell");
        }
    }

    private static double value(LoopbackColony colony, int node, String metric) {
        try {
            return colony.scrape(node).sum(metric, Map.of());
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
