package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.node.local.LocalColony;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real node processes on loopback: create a cell, write and read through HTTP, kill -9 the
 * leader, keep writing, restart it, then kill -9 another node so that the restarted one is
 * needed for a quorum, and check every acknowledged write.
 */
class ColonyProcessTest {

    @Test
    void acknowledgedWritesSurviveKillMinus9(@TempDir Path dir) throws Exception {
        try (LocalColony colony = new LocalColony(dir, LocalColony.freePorts(3))) {
            colony.startAll(line -> { });
            List<String> all = colony.specs().stream().map(LocalColony.NodeSpec::http).toList();
            PhysaliaClient client = new PhysaliaClient(all);
            Response created = client.createCell("kv", List.of("n1", "n2", "n3"));
            assertEquals(201, created.status(), created.body());

            Map<String, String> acked = new LinkedHashMap<>();
            String leader = null;
            for (int i = 0; i < 20; i++) {
                Response r = client.put("kv", "k" + i, "{\"int\":\"" + i + "\"}");
                assertEquals(200, r.status(), r.body());
                acked.put("k" + i, "\"int\":\"" + i + "\"");
                leader = r.node();
            }
            long[] latenciesNanos = new long[300];
            PhysaliaClient direct = new PhysaliaClient(List.of(leader));
            for (int i = 0; i < 200; i++) {
                direct.put("kv", "warm", "{\"int\":\"" + i + "\"}"); // let the JIT compile the hot path first
            }
            for (int i = 0; i < latenciesNanos.length; i++) {
                long t0 = System.nanoTime();
                Response r = direct.put("kv", "lat", "{\"int\":\"" + i + "\"}");
                latenciesNanos[i] = System.nanoTime() - t0;
                assertEquals(200, r.status(), r.body());
            }
            acked.put("lat", "\"int\":\"" + (latenciesNanos.length - 1) + "\"");
            Arrays.sort(latenciesNanos);
            System.out.printf("rough single-cell write latency on 3 local nodes, %d sequential writes after 200 warm-up writes: p50 %.2f ms, p99 %.2f ms%n",
                    latenciesNanos.length, latenciesNanos[latenciesNanos.length / 2] / 1e6,
                    latenciesNanos[latenciesNanos.length * 99 / 100] / 1e6);
            checkAll(client, acked);

            int leaderIndex = indexOf(colony, leader);
            colony.kill9(leaderIndex);
            for (int i = 20; i < 40; i++) {
                Response r = client.put("kv", "k" + i, "{\"int\":\"" + i + "\"}");
                assertEquals(200, r.status(), r.body());
                acked.put("k" + i, "\"int\":\"" + i + "\"");
            }
            checkAll(client, acked);

            colony.start(leaderIndex);
            colony.awaitReady(leaderIndex, Duration.ofSeconds(60));
            int other = (leaderIndex + 1) % 3;
            colony.kill9(other); // now the restarted node is needed for every quorum
            List<String> live = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (i != other) {
                    live.add(colony.specs().get(i).http());
                }
            }
            PhysaliaClient survivors = new PhysaliaClient(live);
            Response r = survivors.put("kv", "after", "{\"bool\":true}");
            assertEquals(200, r.status(), r.body());
            acked.put("after", "\"bool\":true");
            checkAll(survivors, acked);
        }
    }

    private static void checkAll(PhysaliaClient client, Map<String, String> acked) throws Exception {
        for (var e : acked.entrySet()) {
            Response r = client.get("kv", e.getKey(), "linearizable");
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains(e.getValue()), e.getKey() + ": expected " + e.getValue() + " in " + r.body());
        }
    }

    private static int indexOf(LocalColony colony, String http) {
        for (int i = 0; i < colony.specs().size(); i++) {
            if (colony.specs().get(i).http().equals(http)) {
                return i;
            }
        }
        throw new AssertionError("no node at " + http);
    }
}
