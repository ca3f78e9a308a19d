package io.physalia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.node.local.LocalColony;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight real node processes in two colors with the control plane in this process: a cell is
 * placed by the rules, a member is killed with kill -9, the cell is repaired onto a node of the
 * same color and its data stays readable; while paused, nothing is repaired and no cell placed.
 */
class LocalColonyControlTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

    @Test
    void placesRepairsByColorAndPauses(@TempDir Path dir) throws Exception {
        LocalColony colony = new LocalColony(dir, LocalColony.freePorts(8));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (colony; ColonyControl control = new ColonyControl(colony, 2, 3, events::add)) {
            colony.startAll(line -> { });
            control.start(port);
            Topology topo = ColonyControl.topology(colony.specs().stream().map(LocalColony.NodeSpec::name).toList());

            JsonObject kv = create(port, "kv", "r1-k1", null);
            List<String> members = strings(kv.getJsonArray("members"));
            String color = kv.getString("color");
            checkRules(topo, control, members, color);
            JsonObject other = create(port, "other", "r1-k2", otherColor(control, color));
            checkRules(topo, control, strings(other.getJsonArray("members")), other.getString("color"));

            PhysaliaClient client = new PhysaliaClient(colony.specs().stream().map(LocalColony.NodeSpec::http).toList());
            for (int i = 0; i < 10; i++) {
                Response r = client.put("kv", "k" + i, "{\"int\":\"" + i + "\"}");
                assertEquals(200, r.status(), r.body());
            }

            String victim = members.get(0);
            colony.kill9(index(colony, victim));
            awaitCaughtUp(port, 1);
            List<String> now = control.members("kv");
            assertFalse(now.contains(victim), now.toString());
            String joined = now.stream().filter(n -> !members.contains(n)).findFirst().orElseThrow();
            assertEquals(color, control.colors().get(joined), "repaired onto a node of the cell's color");
            checkRules(topo, control, now, color);
            for (int i = 0; i < 10; i++) {
                Response r = client.get("kv", "k" + i, "linearizable");
                assertEquals(200, r.status(), r.body());
                assertTrue(r.body().contains("\"int\":\"" + i + "\""), r.body());
            }
            HttpResponse<String> local = get("http://" + colony.specs().get(index(colony, joined)).http()
                    + "/cells/kv/keys/k9?consistency=eventual");
            assertTrue(local.body().contains("\"servedLocally\":true") && local.body().contains("\"int\":\"9\""), local.body());

            // the big red button: a failure while paused is noticed but not acted upon
            post(port, "/pause?reason=test");
            String otherVictim = strings(other.getJsonArray("members")).get(0);
            colony.kill9(index(colony, otherVictim));
            Thread.sleep(2500);
            String paused = get("http://127.0.0.1:" + port + "/status").body();
            assertTrue(paused.startsWith("PAUSED"), paused);
            assertTrue(paused.contains("caught up: 1;") && paused.contains("in flight: 0;"), paused);
            assertTrue(control.members("other").contains(otherVictim), paused);
            assertEquals(409, post(port, "/cells/third?client-rack=r1-k3").statusCode());
            post(port, "/resume");
            awaitCaughtUp(port, 2);
            assertFalse(control.members("other").contains(otherVictim));
        } finally {
            events.forEach(System.out::println);
        }
    }

    private static String otherColor(ColonyControl control, String color) {
        return control.colors().values().stream().filter(c -> !c.equals(color)).findFirst().orElseThrow();
    }

    private static void checkRules(Topology topo, ColonyControl control, List<String> members, String color) {
        assertEquals(3, members.size(), members.toString());
        Set<String> racks = new HashSet<>();
        Set<String> powers = new HashSet<>();
        for (String m : members) {
            NodeTopology n = topo.node(m).orElseThrow();
            assertEquals(color, control.colors().get(m), m + " has the cell's color");
            racks.add(n.rack());
            powers.add(n.power());
        }
        assertEquals(3, racks.size(), "one member per rack: " + members);
        assertEquals(3, powers.size(), "no power domain holds a majority: " + members);
    }

    private void awaitCaughtUp(int port, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = get("http://127.0.0.1:" + port + "/status").body();
            if (status.contains("caught up: " + count + ";")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no repair caught up: " + status);
    }

    private JsonObject create(int port, String cell, String rack, String color) throws Exception {
        HttpResponse<String> r = post(port, "/cells/" + cell + "?client-rack=" + rack + (color == null ? "" : "&color=" + color));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = new JsonObject(r.body());
        assertEquals(201, o.getInteger("hosted"), r.body());
        return o;
    }

    private HttpResponse<String> post(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> strings(JsonArray a) {
        return a.stream().map(String.class::cast).toList();
    }

    private static int index(LocalColony colony, String node) {
        for (int i = 0; i < colony.specs().size(); i++) {
            if (colony.specs().get(i).name().equals(node)) {
                return i;
            }
        }
        throw new AssertionError("no node " + node);
    }
}
