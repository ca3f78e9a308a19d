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

/**
 * The client against scripted HTTP servers: redirects, overload, unknown outcomes, discovery,
 * forwarding pointers, the retry budget and sessions. Servers that are not scripted for
 * discovery answer its lookups 404 (discovery does not know the cell), as a colony would for a
 * cell pushed nowhere yet.
 */
class PhysaliaClientTest {
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> uris = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger lookups = new AtomicInteger();

    interface Script {
        void answer(HttpExchange ex, int call) throws IOException;
    }

    private String serve(Script script) throws IOException {
        return serve(script, (ex, n) -> reply(ex, 404, "{\"error\":\"cell is not known to discovery\"}"));
    }

    private String serve(Script script, Script discovery) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger discoveryCalls = new AtomicInteger();
        s.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().startsWith("/discovery/")) {
                lookups.incrementAndGet();
                discovery.answer(ex, discoveryCalls.getAndIncrement());
                ex.close();
                return;
            }
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            uris.add(ex.getRequestURI().toString());
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
    void aRedirectToAnUnreachableLeaderIsRetriedSoonNotAfterTheFullBackoff() throws Exception {
        // a follower that still names its dead leader, then (its hint gone stale) holds and answers the write
        String follower = serve((ex, n) -> {
            if (n < 3) {
                reply(ex, 307, "{}", "Location", "http://127.0.0.1:1" + ex.getRequestURI());
            } else {
                reply(ex, 200, "{\"status\":\"OK\"}");
            }
        });
        // a backoff of a minute per round: three rounds of it would take about 90 s on average
        PhysaliaClient c = new PhysaliaClient(List.of(follower), new Backoff(60_000, 60_000), 6, Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        assertEquals(200, c.put("c", "k", "{\"int\":\"1\"}").status());
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(4, bodies.size(), "three rounds met the dead leader, the fourth was answered");
        assertTrue(waited < 10_000, "rounds after a redirect to an unreachable leader wait at most "
                + PhysaliaClient.LEADER_CHANGE_RETRY_CAP_MILLIS + " ms each, not the backoff; took " + waited + " ms");
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

    private static String entry(String cell, long epoch, String... members) {
        StringBuilder b = new StringBuilder("{\"cell\":\"" + cell + "\",\"epoch\":" + epoch + ",\"members\":[");
        for (int i = 0; i < members.length; i++) {
            b.append(i == 0 ? "" : ",").append("{\"node\":\"m").append(i).append("\",\"http\":\"").append(members[i]).append("\"}");
        }
        return b.append("]}").toString();
    }

    @Test
    void findsACellThroughDiscoveryOnceAndCachesIt() throws Exception {
        String member = serve((ex, n) -> reply(ex, 200, "{\"found\":false}"));
        String seed = serve((ex, n) -> reply(ex, 404, "{\"error\":\"cell c is not hosted on node seed\"}"),
                (ex, n) -> reply(ex, 200, entry("c", 3, member)));
        PhysaliaClient client = client(seed);
        for (int i = 0; i < 3; i++) {
            assertEquals(member, client.get("c", "k", "eventual").node());
        }
        assertEquals(1, lookups.get(), "the location is cached after the first lookup");
        assertEquals(3, client.cached("c").epoch());
        assertEquals(3, uris.size(), "no request went to the seed, which does not host the cell");
    }

    @Test
    void chasesAForwardingPointerAndKeepsTheNewLocation() throws Exception {
        String newMember = serve((ex, n) -> reply(ex, 200, "{\"status\":\"OK\"}"));
        String oldMember = serve((ex, n) -> reply(ex, 308, "{\"moved\":true,\"error\":\"cell c moved away\",\"cell\":\"c\",\"epoch\":9,"
                + "\"members\":[{\"node\":\"n4\",\"http\":\"" + newMember + "\"}]}",
                "Location", "http://" + newMember + ex.getRequestURI()));
        PhysaliaClient client = client(serve((ex, n) -> reply(ex, 500, "{}"), (ex, n) -> reply(ex, 200, entry("c", 2, oldMember))));
        Response r = client.put("c", "k", "{\"int\":\"1\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals(newMember, r.node());
        assertEquals(9, client.cached("c").epoch(), "the pointer's newer location replaced the cached one");
        assertEquals(List.of(newMember), client.cached("c").addresses());
        client.put("c", "k", "{\"int\":\"2\"}");
        assertEquals(3, uris.size(), "the second write went straight to the new member");
    }

    @Test
    void asksDiscoveryAgainWhenNoCachedMemberHostsTheCell() throws Exception {
        String moved = serve((ex, n) -> reply(ex, 404, "{\"error\":\"cell c is not hosted on node n3\"}"));
        String member = serve((ex, n) -> reply(ex, 200, "{\"found\":false}"));
        String seed = serve((ex, n) -> reply(ex, 500, "{}"),
                (ex, n) -> reply(ex, 200, n == 0 ? entry("c", 1, moved) : entry("c", 4, member)));
        Response r = client(seed).get("c", "k", "linearizable");
        assertEquals(200, r.status());
        assertEquals(member, r.node());
        assertEquals(2, lookups.get());
    }

    @Test
    void theRetryBudgetBoundsRetriesAcrossCalls() throws Exception {
        String node = serve((ex, n) -> reply(ex, 429, "{\"error\":\"overloaded\"}", "Retry-After", "0"));
        PhysaliaClient client = new PhysaliaClient(List.of(node), new Backoff(1, 2), 50, Duration.ofSeconds(5),
                new RetryBudget(new RetryBudget.Spec(0, 0, 3)));
        PhysaliaException.Failed first = assertThrows(PhysaliaException.Failed.class, () -> client.get("c", "k", "linearizable"));
        assertTrue(first.getMessage().contains("retry budget"), first.getMessage());
        assertEquals(4, uris.size(), "one request and the three retries the budget held, not fifty");
        assertThrows(PhysaliaException.Failed.class, () -> client.get("c", "k", "linearizable"));
        assertEquals(5, uris.size(), "the budget is the client's, not the call's: no retry left for the next call");
    }

    @Test
    void eventualReadsCarryTheSessionsHighWaterMark() throws Exception {
        String node = serve((ex, n) -> reply(ex, 200, n == 0 ? "{\"status\":\"OK\",\"slot\":41,\"results\":[],\"revision\":3}"
                : "{\"found\":false}", "Physalia-High-Water", n == 0 ? "42" : "40"));
        PhysaliaClient client = client(node);
        client.put("c", "k", "{\"bool\":true}");
        client.get("c", "k", "eventual");
        client.get("c", "k", "eventual");
        assertTrue(uris.get(1).contains("minSlot=42") && uris.get(2).contains("minSlot=42"), uris.toString());
        assertEquals(42, client.session().highWater("c"), "an older answer does not lower the mark");
        assertTrue(!client.newSession().readParams("c", Consistency.EVENTUAL).contains("minSlot"), "sessions are separate");
    }

    @Test
    void typedTransactionsAndLeasesSpeakTheApi() throws Exception {
        String node = serve((ex, n) -> {
            String path = ex.getRequestURI().getPath();
            if (path.endsWith("/acquire")) {
                reply(ex, n == 1 ? 200 : 409, n == 1
                        ? "{\"cell\":\"c\",\"lease\":\"l\",\"status\":\"GRANTED\",\"holder\":\"me\",\"token\":7,\"version\":1,\"durationMillis\":5000,\"slot\":3}"
                        : "{\"cell\":\"c\",\"lease\":\"l\",\"status\":\"HELD_BY_OTHER\",\"holder\":\"you\",\"token\":8,\"version\":2,\"slot\":4}");
            } else {
                reply(ex, 200, "{\"status\":\"CONDITION_FAILED\",\"detail\":\"condition 0\",\"revision\":5,\"slot\":2,\"results\":["
                        + "{\"op\":\"get\",\"key\":\"n\",\"found\":true,\"value\":{\"int\":\"123456789012345678901234567890\"},\"version\":4}]}");
            }
        });
        Session s = client(node).session();
        TxnOutcome t = s.transact("c", TxnBuilder.txn().ifAbsent("owner").get("n").put("owner", "alice")
                .put("raw", new byte[] {0, -1}).increment("claims", 1).build());
        assertEquals(io.physalia.core.kv.TxnStatus.CONDITION_FAILED, t.status());
        assertEquals(io.physalia.core.kv.Value.ofInt(new java.math.BigInteger("123456789012345678901234567890")),
                t.value("n").orElseThrow().value());
        String sent = bodies.get(0);
        assertTrue(sent.contains("{\"type\":\"absent\",\"key\":\"owner\"}") && sent.contains("\"bytes\":\"AP8=\"")
                && sent.contains("\"delta\":\"1\"") && sent.contains("\"seq\":1"), sent);
        LeaseResult granted = s.acquireLease("c", "l", "me", Duration.ofSeconds(5));
        assertTrue(granted.held() && granted.valid() && granted.token() == 7, granted.toString());
        LeaseResult refused = s.acquireLease("c", "l", "me", Duration.ofSeconds(5));
        assertEquals(io.physalia.core.cell.CommandResult.LeaseStatus.HELD_BY_OTHER, refused.status());
        assertTrue(!refused.valid() && refused.holder().equals("you"));
    }
}
