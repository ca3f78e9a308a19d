package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On three real nodes: a follower that was down while the cell's last writes were chosen comes
 * back and catches up with no further traffic (the leader hears its pings return and tells it
 * the chosen prefix; it asks to be taught the rest). Before, it stayed behind until the next
 * write: an idle cell sends nothing by itself.
 */
class IdleFollowerCatchUpTest {

    @Test
    void aFollowerBackFromTheDeadCatchesUpOnAnIdleCell(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("colony.key");
        KeyFile.generate(key);
        String token = KeyFile.load(key).adminToken();
        try (LoopbackColony colony = new LoopbackColony(dir, List.of(key, key, key), false, "idle", "blue")) {
            colony.awaitAllAlive(Duration.ofSeconds(20));
            PhysaliaClient client = new PhysaliaClient(colony.http.subList(0, 2));
            assertEquals(201, client.createCell("t", colony.names()).status());
            assertEquals(200, client.put("t", "k", "{\"int\":\"1\"}").status());
            colony.stop(2);
            for (int i = 2; i <= 5; i++) {
                assertEquals(200, client.put("t", "k", "{\"int\":\"" + i + "\"}").status());
            }
            long chosen = Math.max(applied(colony, 0, token), applied(colony, 1, token));
            colony.restart(2);
            long[] seen = {-1};
            LoopbackColony.await(Duration.ofSeconds(20), "n3 to catch up to slot " + chosen + " with no write", () -> {
                seen[0] = applied(colony, 2, token);
                return seen[0] >= chosen;
            });
            assertTrue(seen[0] >= chosen);
        }
    }

    private static long applied(LoopbackColony colony, int node, String token) {
        try {
            HttpResponse<String> r = colony.send(node, "GET", "/admin/cells/t", null, token);
            return r.statusCode() == 200 ? new JsonObject(r.body()).getLong("appliedUpTo") : -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
