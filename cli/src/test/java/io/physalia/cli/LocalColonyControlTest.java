package io.physalia.cli;

import io.physalia.node.local.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.controlplane.ActionKind;
import io.physalia.controlplane.RateLimits;
import io.physalia.node.local.LocalColony;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local colony's control plane on twelve real node processes (the default shape: two rows of
 * three racks, two colors), driven the way an operator would:
 * <ol>
 *   <li>cells are placed by the rules in their clients' row;</li>
 *   <li>kill -9 of a node that holds two cells of one color: both are repaired onto nodes of that
 *       color (in the next row: the home row has no spare of that color), no faster than the
 *       per-color rate limit, and the acknowledged writes stay readable;</li>
 *   <li>moving a cell's clients to the other row moves the cell there, one member at a time, even
 *       though the launcher's control plane is stopped in the middle of the first step and a new
 *       one takes over from the state it saved;</li>
 *   <li>paused, nothing happens: the killed node comes back with replicas of the cells that left
 *       it, which are shown but not dropped, the cell that could go home does not, and no cell is
 *       placed;</li>
 *   <li>resumed: the stale replica is dropped and the other cell moves home onto the returned
 *       node.</li>
 * </ol>
 */
class LocalColonyControlTest {
    /** One action per color every 1.5 s after a burst of one, so the limit shows within seconds. */
    private static final RateLimits.Config LIMITS = new RateLimits.Config(10, 1000, 1, 1500);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final long startNanos = System.nanoTime();
    /** Replaced when the test restarts the control plane. */
    private ColonyControl control;

    @Test
    void placesRepairsMovesRestartsAndPauses(@TempDir Path dir) throws Exception {
        LocalColony colony = new LocalColony(dir, LocalColony.freePorts(12));
        control = new ColonyControl(colony, 2, 2, 3, LIMITS, events::add);
        try {
            colony.startAll(line -> { });
            phase("12 nodes ready");
            int port = freePort();
            control.start(port);
            Topology topo = control.topology();

            // 1. placed by the rules, in the clients' row
            JsonObject kv = create(port, "kv", "r1-k1", null);
            String color = kv.getString("color");
            List<String> kvMembers = strings(kv.getJsonArray("members"));
            checkRules(topo, control, kvMembers, color, "r1");
            JsonObject kv2 = create(port, "kv2", "r1-k2", color);
            checkRules(topo, control, strings(kv2.getJsonArray("members")), color, "r1");
            String otherColor = control.colors().values().stream().filter(c -> !c.equals(color)).findFirst().orElseThrow();
            JsonObject other = create(port, "other", "r2-k1", otherColor);
            List<String> otherMembers = strings(other.getJsonArray("members"));
            checkRules(topo, control, otherMembers, otherColor, "r2");
            assertEquals(Set.copyOf(kvMembers), Set.copyOf(strings(kv2.getJsonArray("members"))),
                    "a row holds three nodes of each color, so both cells sit on the same three");

            PhysaliaClient client = new PhysaliaClient(colony.specs().stream().map(LocalColony.NodeSpec::http).toList());
            for (int i = 0; i < 10; i++) {
                Response r = client.put("kv", "k" + i, "{\"int\":\"" + i + "\"}");
                assertEquals(200, r.status(), r.body());
            }

            phase("placed and written");
            // 2. kill -9: both cells repaired onto the color's nodes in the next row, within the rate limit
            String victim = kvMembers.get(0);
            colony.kill9(index(colony, victim));
            await("both repairs caught up", 60, () -> count(control, ActionKind.REPAIR) == 2);
            List<ControlStateFile.Finished> repairs = actions(control, ActionKind.REPAIR);
            for (ControlStateFile.Finished f : repairs) {
                assertTrue(f.caughtUp(), f.toString());
                assertEquals(victim, f.action().leaving());
                assertEquals(color, control.colors().get(f.action().joining()), "repaired onto a node of the cell's color");
                assertEquals("r2", topo.node(f.action().joining()).orElseThrow().row(), "the nearest row with a spare");
                List<String> now = control.members(f.action().cellId());
                assertFalse(now.contains(victim), now.toString());
                checkRules(topo, control, now, color, null);
            }
            long gap = Math.abs(repairs.get(1).action().issuedAtMillis() - repairs.get(0).action().issuedAtMillis());
            assertTrue(gap >= LIMITS.colorRefillMillis(), "two actions of one color " + gap + " ms apart; the limit is one per "
                    + LIMITS.colorRefillMillis() + " ms");
            readAll(client);
            int p0 = port;
            await("kv's way home is shown blocked", 20, () -> status(p0).contains("blocked (waiting for the fleet to change):\n  kv: move-closer of cell kv"));

            phase("repaired");
            // 3. the clients of kv move to row r2: the cell follows, one member at a time; the launcher's
            //    control plane stops in the middle and a new one, on the same data directory, goes on
            List<String> kv2Before = control.members("kv2");
            HttpResponse<String> moved = post(port, "/cells/kv/clients?client-rack=r2-k2");
            assertEquals(200, moved.statusCode(), moved.body());
            int p1 = port;
            await("kv's first move in flight", 20, () -> status(p1).contains("in flight: 1;"));
            control.close();
            phase("control plane stopped with an action in flight");
            JsonObject saved = new JsonObject(java.nio.file.Files.readString(dir.resolve(ControlStateFile.NAME)));
            assertEquals(1, saved.getJsonArray("inFlight").size(), saved.encodePrettily());
            assertEquals("MOVE_CLOSER", saved.getJsonArray("inFlight").getJsonObject(0).getString("kind"));
            control = new ColonyControl(colony, 2, 2, 3, LIMITS, events::add);
            port = freePort();
            control.start(port);
            assertEquals(kv2Before, control.members("kv2"));
            assertEquals(otherMembers, control.members("other"));
            assertEquals(2, control.finishedActions().size(), "the repairs are remembered");
            await("kv in row r2", 60, () -> control.members("kv").stream().allMatch(n -> inRow(topo, n, "r2"))
                    && count(control, ActionKind.MOVE_CLOSER) == 2);
            checkRules(topo, control, control.members("kv"), color, "r2");
            oneAtATime(actions(control, ActionKind.MOVE_CLOSER));
            assertTrue(events.stream().anyMatch(e -> e.contains("was in flight at the last stop; going on with it")));
            readAll(client);
            assertTrue(status(port).contains("caught up: 4;"), status(port));

            // 4. the big red button: the returning node's stale replicas are shown, nothing is done
            assertEquals(200, post(port, "/pause?reason=test").statusCode());
            HttpResponse<String> started = post(port, "/nodes/" + victim + "/start");
            assertEquals(200, started.statusCode(), started.body());
            int p = port;
            await("the stale replica of kv is listed", 30, () -> {
                String s = status(p);
                return s.contains("stale replicas") && s.contains(victim + ": kv") && s.contains("(not while paused)");
            });
            assertEquals(409, post(port, "/cells/third?client-rack=r1-k3").statusCode(), "no placement while paused");
            Thread.sleep(500); // the loop that noticed the node back would have issued kv2's way home in that same tick
            String st = status(port);
            assertTrue(st.startsWith("control plane: PAUSED") && st.contains("in flight: 0;") && st.contains("caught up: 4;"), st);
            assertTrue(hosted(colony, victim).contains("kv"), "not dropped while paused");
            assertEquals(kv2Before, control.members("kv2"), "kv2 does not go home while paused");

            phase("paused phase checked");
            // 5. resume: the stale replica goes, kv2 comes home onto the returned node
            assertEquals(200, post(port, "/resume").statusCode());
            await("kv2 home in r1 and the stale kv replica dropped", 60,
                    () -> control.members("kv2").stream().allMatch(n -> inRow(topo, n, "r1")) && control.members("kv2").contains(victim)
                            && !hosted(colony, victim).contains("kv") && count(control, ActionKind.MOVE_CLOSER) == 3);
            checkRules(topo, control, control.members("kv2"), color, "r1");
            assertTrue(hosted(colony, victim).contains("kv2"));
            assertEquals(otherMembers, control.members("other"), "the other color was never touched");
            readAll(client);
            phase("resumed: home and dropped");
        } finally {
            control.close(); // before the nodes, so their stopping is not taken for failures
            colony.close();
            phase("stopped");
            events.forEach(System.out::println);
        }
    }

    private void phase(String what) {
        events.add(String.format("test: %s after %.1f s", what, (System.nanoTime() - startNanos) / 1e9));
    }

    private static int freePort() throws Exception {
        return FreePorts.ports(1)[0];
    }

    private static void readAll(PhysaliaClient client) throws Exception {
        for (int i = 0; i < 10; i++) {
            Response r = client.get("kv", "k" + i, "linearizable");
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"int\":\"" + i + "\""), r.body());
        }
    }

    private static boolean inRow(Topology topo, String node, String row) {
        return topo.node(node).orElseThrow().row().equals(row);
    }

    private static List<ControlStateFile.Finished> actions(ColonyControl control, ActionKind kind) {
        List<ControlStateFile.Finished> out = new ArrayList<>(control.finishedActions().stream()
                .filter(f -> f.action().kind() == kind).toList());
        out.sort(Comparator.comparingLong(f -> f.action().issuedAtMillis()));
        return out;
    }

    private static long count(ColonyControl control, ActionKind kind) {
        return control.finishedActions().stream().filter(f -> f.action().kind() == kind && f.caughtUp()).count();
    }

    /** A cell's next action is issued only after its previous one ended. */
    private static void oneAtATime(List<ControlStateFile.Finished> actions) {
        for (int i = 1; i < actions.size(); i++) {
            ControlStateFile.Finished prev = actions.get(i - 1);
            ControlStateFile.Finished next = actions.get(i);
            if (prev.action().cellId().equals(next.action().cellId())) {
                assertTrue(next.action().issuedAtMillis() >= prev.finishedAtMillis(), prev + " then " + next);
            }
        }
    }

    private static void checkRules(Topology topo, ColonyControl control, List<String> members, String color, String row) {
        assertEquals(3, members.size(), members.toString());
        Set<String> racks = new HashSet<>();
        Set<String> powers = new HashSet<>();
        for (String m : members) {
            NodeTopology n = topo.node(m).orElseThrow();
            assertEquals(color, control.colors().get(m), m + " has the cell's color");
            if (row != null) {
                assertEquals(row, n.row(), m + " is in the clients' row");
            }
            racks.add(n.rack());
            powers.add(n.power());
        }
        assertEquals(3, racks.size(), "one member per rack: " + members);
        assertEquals(3, powers.size(), "no power domain holds a majority: " + members);
    }

    private void await(String what, int seconds, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + seconds + " s: " + what);
    }

    private List<String> hosted(LocalColony colony, String node) {
        try {
            HttpResponse<String> r = get("http://" + colony.specs().get(index(colony, node)).http() + "/cells");
            return strings(new JsonObject(r.body()).getJsonArray("cells"));
        } catch (Exception e) {
            return List.of();
        }
    }

    private String status(int port) {
        try {
            return get("http://127.0.0.1:" + port + "/status").body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
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
