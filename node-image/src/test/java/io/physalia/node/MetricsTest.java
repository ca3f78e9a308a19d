package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.core.wire.DecodeResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes /metrics from three real nodes after client traffic, a node restart (so it is taught
 * what it missed) and a bad request: every metric the node exports is there, and every sample
 * carries colony, color and node as its first labels.
 */
class MetricsTest {

    @Test
    void everyMetricIsLabelledByColonyColorAndNode(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("colony.key");
        KeyFile.generate(key);
        try (LoopbackColony colony = new LoopbackColony(dir, List.of(key, key, key), false, "metrics-colony", "blue")) {
            colony.awaitAllAlive(Duration.ofSeconds(20));
            PhysaliaClient client = new PhysaliaClient(colony.http);
            assertEquals(201, client.createCell("m", colony.names()).status());
            for (int i = 0; i < 20; i++) {
                assertEquals(200, client.put("m", "k" + i, "{\"int\":\"" + i + "\"}").status());
            }
            colony.stop(2);
            for (int i = 20; i < 60; i++) {
                assertEquals(200, client.put("m", "k" + i, "{\"int\":\"" + i + "\"}").status());
            }
            colony.restart(2);
            colony.awaitAllAlive(Duration.ofSeconds(20));
            LoopbackColony.await(Duration.ofSeconds(30), "the restarted node to be taught", () -> {
                try {
                    client.put("m", "nudge", "{\"bool\":true}");
                    double taught = 0;
                    boolean allLearned = true;
                    for (int node = 0; node < 3; node++) {
                        Scrape s = colony.scrape(node);
                        taught += s.sum("physalia_teaching_total", Map.of("kind", "log")) + s.sum("physalia_teaching_total", Map.of("kind", "snapshot"));
                        allLearned &= s.sum("physalia_slots_chosen_total", Map.of()) > 0; // the restarted one too
                    }
                    return taught > 0 && allLearned;
                } catch (Exception e) {
                    return false;
                }
            });
            Response read = client.get("m", "k1", "linearizable");
            assertEquals(200, read.status(), read.body());
            for (int node = 0; node < 3; node++) {
                assertEquals(200, colony.send(node, "GET", "/cells/m/keys/k1?consistency=eventual", null, null).statusCode());
            }
            assertEquals(400, colony.send(0, "POST", "/cells/m/txn", "{\"ops\":[]}", null).statusCode());
            assertEquals(200, colony.send(0, "GET", "/healthz", null, null).statusCode());
            assertEquals(200, colony.send(0, "GET", "/readyz", null, null).statusCode());

            Set<String> everywhere = null;
            Scrape leader = null;
            for (int node = 0; node < 3; node++) {
                Scrape s = colony.scrape(node);
                Set<String> names = new TreeSet<>();
                for (Scrape.Sample sample : s.samples()) {
                    List<String> labelNames = List.copyOf(sample.labels().keySet());
                    assertEquals(Metrics.NODE_LABELS, labelNames.subList(0, 3), sample.toString());
                    assertEquals(Map.of("colony", "metrics-colony", "color", "blue", "node", LoopbackColony.name(node)),
                            Map.of("colony", sample.labels().get("colony"), "color", sample.labels().get("color"),
                                    "node", sample.labels().get("node")), sample.toString());
                    names.add(sample.name());
                }
                if (everywhere == null) {
                    everywhere = names;
                } else {
                    everywhere.retainAll(names);
                }
                assertEquals(1.0, s.sum("physalia_cells_hosted", Map.of()));
                assertEquals(0.0, s.sum("physalia_cells_without_quorum", Map.of()), "every member is up");
                assertEquals(2.0, s.sum("physalia_peers_alive", Map.of()));
                assertEquals(DecodeResult.Reason.values().length, s.named("physalia_frames_rejected_total").size(),
                        "every rejection reason is exported, zeros included");
                assertEquals(0.0, s.sum("physalia_frames_rejected_total", Map.of()));
                assertTrue(s.sum("physalia_slots_chosen_total", Map.of()) > 0, LoopbackColony.name(node) + " " + s.named("physalia_slots_chosen_total") + s.named("physalia_teaching_total"));
                if (s.sum("physalia_proposals_total", Map.of()) > 0 && leader == null) {
                    leader = s;
                }
            }
            for (String name : List.of("physalia_requests_total", "physalia_request_duration_seconds_bucket",
                    "physalia_request_duration_seconds_count", "physalia_proposals_total", "physalia_batch_commands_count",
                    "physalia_batch_commands_bucket", "physalia_pipeline_fullness_bucket", "physalia_frames_rejected_total",
                    "physalia_teaching_total", "physalia_cells_hosted", "physalia_peers_alive", "physalia_key_file_reloads_total",
                    "physalia_keyring_signing_key_id", "physalia_peer_frames_dropped_total", "physalia_messages_sent_total",
                    "physalia_log_syncs", "physalia_wakeup_timers", "physalia_cells_leading", "physalia_cells_without_quorum",
                    "physalia_peer_frames_wrong_color_total")) {
                assertTrue(everywhere.contains(name), name + " missing from some node's /metrics: " + everywhere);
            }
            assertTrue(leader != null, "some node proposed");
            assertTrue(leader.sum("physalia_batch_commands_count", Map.of()) > 0);
            assertTrue(leader.sum("physalia_batch_commands_sum", Map.of()) > 0, "batches carried commands");
            double fullness = leader.sum("physalia_pipeline_fullness_count", Map.of());
            assertEquals(fullness, leader.sum("physalia_pipeline_fullness_bucket", Map.of("le", "1.0")), "fullness never above 1");
            double requests = 0;
            double timed = 0;
            double badRequests = 0;
            for (int node = 0; node < 3; node++) {
                Scrape s = colony.scrape(node);
                requests += s.sum("physalia_requests_total", Map.of("op", "txn", "result", "applied"));
                timed += s.sum("physalia_request_duration_seconds_count", Map.of("op", "txn", "result", "applied"));
                badRequests += s.sum("physalia_requests_total", Map.of("op", "txn", "result", "bad_request"));
            }
            assertTrue(requests >= 40, "applied writes counted (those while n3 was down at least; it restarted from zero): " + requests);
            assertEquals(requests, timed, "every counted request is timed");
            assertEquals(1.0, badRequests);
        }
    }
}
