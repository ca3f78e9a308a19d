package io.physalia.controlplane.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.physalia.client.admin.NodeAdmin;
import io.physalia.client.admin.ReplicaStatus;
import io.physalia.controlplane.Action;
import io.physalia.controlplane.ActionKind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each node is asked once per pass: over real HTTP, against admin endpoints on loopback that count
 * the requests they get. Node a leads cell c1 at slot 9, b follows at slot 7, c hosts no replica
 * of it (404), and d has no address (a pod without an IP).
 */
class CellAnswersTest {
    private final Map<String, HttpServer> servers = new TreeMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private NodeAdmin admin;

    @BeforeEach
    void startNodes() throws IOException {
        serve("a", 200, status("a", 9, true));
        serve("b", 200, status("b", 7, false));
        serve("c", 404, "{\"error\":\"no replica of c1 here\"}");
        admin = new NodeAdmin(() -> "token", n -> servers.containsKey(n)
                ? "127.0.0.1:" + servers.get(n).getAddress().getPort() : null);
    }

    @AfterEach
    void stopNodes() {
        servers.values().forEach(s -> s.stop(0));
    }

    @Test
    void aNodeIsAskedOnceUntilThePassChangesTheCell() throws Exception {
        CellAnswers answers = new CellAnswers(admin, "c1");
        List<ReplicaStatus> first = answers.of(List.of("b", "a", "c", "d"));
        assertEquals(List.of("a", "b"), first.stream().map(ReplicaStatus::node).toList(), "the leader first, then by applied slot");
        assertEquals(9, first.get(0).appliedUpTo());
        List<ReplicaStatus> again = answers.of(List.of("a", "b", "c", "d"));
        assertEquals(first, again);
        assertTrue(answers.of("c").isEmpty(), "no replica there, remembered as such");
        assertEquals(Map.of("a", 1, "b", 1, "c", 1), counts(), "one request per node with an address");
        assertEquals(4, answers.calls());

        answers.changed();
        answers.of(List.of("a", "b"));
        assertEquals(Map.of("a", 2, "b", 2, "c", 1), counts(), "asked again after a change, only the nodes asked for");
    }

    @Test
    void theStatusAfterAnActionsObservationAsksNoNodeAgain() throws Exception {
        // a repair of c1 replacing b by c, whose joining replica is not hosted yet: the step hosts it
        Action repair = new Action(1, ActionKind.REPAIR, "c1", "blue", "b", "c", 0);
        CellAnswers answers = new CellAnswers(admin, "c1");
        MembershipDriver driver = new MembershipDriver(admin);
        var observation = driver.observe(repair, List.of("a", "b"), true, answers);
        assertEquals(9, observation.bestOtherAppliedUpTo());
        assertTrue(observation.joinerHosted().isEmpty() && observation.leavingHosts());
        answers.of(List.of("a", "b", "c"));
        assertEquals(Map.of("a", 1, "b", 1, "c", 1), counts(), "the status after the observation asked no node again");
        assertThrows(IllegalArgumentException.class, () -> driver.observe(repair, List.of("a"), true, new CellAnswers(admin, "c2")),
                "answers about another cell");
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> out = new TreeMap<>();
        hits.forEach((n, c) -> out.put(n, c.get()));
        return out;
    }

    private void serve(String node, int code, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/admin/cells/c1", exchange -> {
            hits.computeIfAbsent(node, n -> new AtomicInteger()).incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        servers.put(node, server);
    }

    private static String status(String node, long applied, boolean leader) {
        return "{\"cell\":\"c1\",\"node\":\"" + node + "\",\"member\":\"" + node + "@1\",\"appliedUpTo\":" + applied
                + ",\"leader\":" + leader + ",\"leaderHint\":\"a\",\"epoch\":0,\"configuration\":[\"a@1\",\"b@1\"],\"stopped\":null}";
    }
}
