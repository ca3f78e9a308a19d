package io.physalia.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against scripted HTTP servers: redirects, overload, unknown outcomes. */
class PhysaliaClientTest {
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

    interface Script {
        void answer(HttpExchange ex, int call) throws IOException;
    }

    private String serve(Script script) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        s.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            script.answer(ex, calls.getAndIncrement());
            ex.close();
        });
        s.start();
        servers.add(s);
        return "127.0.0.1:" + s.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, String body, String... headers) throws IOException {
        for (int i = 0; i < headers.length; i += 2) {
            ex.getResponseHeaders().add(headers[i], headers[i + 1]);
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static PhysaliaClient client(String... nodes) {
        return new PhysaliaClient(List.of(nodes), new Backoff(1, 5), 4, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void followsRedirectToTheLeaderWithTheSameBody() throws Exception {
        String leader = serve((ex, n) -> reply(ex, 200, "{\"status\":\"OK\"}"));
        String follower = serve((ex, n) -> reply(ex, 307, "{}", "Location", "http://" + leader + ex.getRequestURI()));
        Response r = client(follower).put("c", "k", "{\"int\":\"1\"}");
        assertEquals(200, r.status());
        assertEquals(leader, r.node());
        assertEquals(bodies.get(0), bodies.get(1), "the redirected request carries the same client, seq and ops");
        assertTrue(bodies.get(0).contains("\"seq\":1") && bodies.get(0).contains("\"client\":\"c-"), bodies.get(0));
    }

    @Test
    void retriesOverloadAndKeepsTheSeq() throws Exception {
        String node = serve((ex, n) -> {
            if (n < 2) {
                reply(ex, 429, "{\"error\":\"overloaded\"}", "Retry-After", "0");
            } else {
                reply(ex, 200, "{\"status\":\"OK\"}");
            }
        });
        assertEquals(200, client(node).txn("c", "{\"ops\":[]}").status());
        assertEquals(3, bodies.size());
        assertEquals(1, bodies.stream().distinct().count(), "every retry is the same (client, seq)");
    }

    @Test
    void unknownOutcomeIsNotReportedAsFailure() throws Exception {
        String node = serve((ex, n) -> reply(ex, 504, "{\"outcome\":\"unknown\"}", "Physalia-Outcome", "unknown"));
        PhysaliaException.OutcomeUnknown e = assertThrows(PhysaliaException.OutcomeUnknown.class,
                () -> client(node).put("c", "k", "{\"bool\":true}"));
        assertEquals(1, e.seq());
    }

    @Test
    void unreachableNodesFailCleanlyAndAnswersAreReturnedAsIs() throws Exception {
        assertThrows(PhysaliaException.Failed.class, () -> client("127.0.0.1:1").get("c", "k", "eventual"));
        String node = serve((ex, n) -> reply(ex, 400, "{\"error\":\"bad\"}"));
        assertEquals(400, client("127.0.0.1:1", node).get("c", "k", "linearizable").status());
    }

    @Test
    void asksTheNextNodeWhenACellIsNotHostedThere() throws Exception {
        String member = serve((ex, n) -> reply(ex, 200, "{\"found\":true}"));
        String other = serve((ex, n) -> reply(ex, 404, "{\"error\":\"cell c is not hosted on node n5\"}"));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, client(other, member).get("c", "k", "eventual").status());
        }
        assertEquals(404, client(other).get("c", "k", "eventual").status(), "a cell hosted nowhere stays a 404");
    }
}
