package io.physalia.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP client for a Physalia colony. It follows the nodes' 307 redirects to the leader,
 * retries what is safe to retry with exponential backoff and full jitter (honouring
 * {@code Retry-After}), moves to the next node when one cannot be reached, and tells "failed"
 * (certainly not applied) from "outcome unknown" (a write that may have applied).
 *
 * <p>Writes carry a client id and a sequence number, so a write retried after an unknown
 * outcome applies at most once. One client is one session: use it from one thread at a time
 * for writes whose order matters.
 */
public final class PhysaliaClient {
    private static final int MAX_REDIRECTS = 5;

    private final List<String> nodes;
    private final HttpClient http;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final Random random = new Random();
    private final String clientId = "c-" + UUID.randomUUID();
    private final AtomicLong seq = new AtomicLong();

    public PhysaliaClient(List<String> nodes) {
        this(nodes, Backoff.DEFAULT, 8, Duration.ofSeconds(15));
    }

    public PhysaliaClient(List<String> nodes, Backoff backoff, int maxAttempts, Duration requestTimeout) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("give at least one node as host:port");
        }
        this.nodes = List.copyOf(nodes);
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String clientId() {
        return clientId;
    }

    /** Creates {@code cell} on {@code members} (idempotent). */
    public Response createCell(String cell, List<String> members) throws PhysaliaException {
        StringBuilder b = new StringBuilder("{\"members\":[");
        for (int i = 0; i < members.size(); i++) {
            b.append(i == 0 ? "" : ",").append(Json.quote(members.get(i)));
        }
        return send("PUT", "/cells/" + enc(cell), b.append("]}").toString(), false, 0);
    }

    /**
     * Runs a transaction: {@code txnJson} is an object with {@code conditions} and {@code ops}
     * (docs/openapi.yaml). It is sent with this client's id and the next seq.
     */
    public Response txn(String cell, String txnJson) throws PhysaliaException {
        String t = txnJson.strip();
        if (!t.startsWith("{")) {
            throw new IllegalArgumentException("a transaction is a JSON object");
        }
        long s = seq.incrementAndGet();
        String rest = t.substring(1).strip();
        String body = "{\"client\":" + Json.quote(clientId) + ",\"seq\":" + s + (rest.startsWith("}") ? "" : ",") + rest;
        return send("POST", "/cells/" + enc(cell) + "/txn", body, true, s);
    }

    /** Writes one key; {@code valueJson} is a typed value such as {@code {"int":"5"}}. */
    public Response put(String cell, String key, String valueJson) throws PhysaliaException {
        return txn(cell, "{\"ops\":[{\"op\":\"put\",\"key\":" + Json.quote(key) + ",\"value\":" + valueJson + "}]}");
    }

    /** Reads one key; {@code consistency} is "linearizable" or "eventual". */
    public Response get(String cell, String key, String consistency) throws PhysaliaException {
        return send("GET", "/cells/" + enc(cell) + "/keys/" + enc(key) + "?consistency=" + enc(consistency), null, false, 0);
    }

    private Response send(String method, String path, String body, boolean write, long s) throws PhysaliaException {
        boolean maybeApplied = false;
        Exception last = null;
        String lastAnswer = "no answer";
        int nodeIndex = random.nextInt(nodes.size());
        Response notHosted = null;
        int attempts = Math.max(maxAttempts, nodes.size());
        for (int attempt = 0; attempt < attempts; attempt++) {
            String target = nodes.get(nodeIndex % nodes.size());
            long retryAfterMillis = 0;
            boolean tryNextNow = false;
            try {
                String url = "http://" + target + path;
                for (int hop = 0; ; hop++) {
                    HttpResponse<String> r = http.send(request(method, url, body), HttpResponse.BodyHandlers.ofString());
                    int st = r.statusCode();
                    if (st == 307 || st == 308) {
                        String loc = r.headers().firstValue("Location").orElse(null);
                        if (loc == null || hop >= MAX_REDIRECTS) {
                            lastAnswer = "HTTP " + st + " without a usable Location";
                            break;
                        }
                        url = loc; // not proposed: following is always safe
                        continue;
                    }
                    if (st == 429 || st == 503) {
                        lastAnswer = "HTTP " + st + " " + r.body();
                        retryAfterMillis = r.headers().firstValue("Retry-After").map(PhysaliaClient::seconds).orElse(0L);
                        if (st == 503) {
                            nodeIndex++;
                        }
                        break;
                    }
                    if (st == 504) {
                        lastAnswer = "HTTP 504 " + r.body();
                        if (write && r.headers().firstValue("Physalia-Outcome").orElse("").equals("unknown")) {
                            maybeApplied = true;
                        }
                        break; // retry: a write carries (client, seq), so it applies at most once
                    }
                    if (st == 404 && r.body().contains("is not hosted on node")) {
                        // No discovery yet: a cell lives on some nodes only. Not applied; ask the next one.
                        notHosted = new Response(st, r.body(), URI.create(url).getAuthority());
                        nodeIndex++;
                        tryNextNow = true;
                        break;
                    }
                    return new Response(st, r.body(), URI.create(url).getAuthority());
                }
                if (tryNextNow) {
                    continue; // straight to the next node, no backoff
                }
            } catch (HttpConnectTimeoutException | ConnectException e) {
                last = e; // never reached the node: nothing was sent
                lastAnswer = target + " unreachable: " + e;
                nodeIndex++;
            } catch (IOException e) {
                last = e; // the request may have been sent and applied
                lastAnswer = target + ": " + e;
                maybeApplied |= write;
                nodeIndex++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(write && true, s, "interrupted", e);
            }
            sleep(Math.max(retryAfterMillis, backoff.delayMillis(attempt, random)));
        }
        if (notHosted != null && !maybeApplied) {
            return notHosted;
        }
        throw fail(maybeApplied, s, "gave up after " + attempts + " attempts; last: " + lastAnswer, last);
    }

    private PhysaliaException fail(boolean maybeApplied, long s, String message, Exception cause) {
        return maybeApplied
                ? new PhysaliaException.OutcomeUnknown("outcome unknown: " + message, clientId, s, cause)
                : new PhysaliaException.Failed("failed: " + message, cause);
    }

    private HttpRequest request(String method, String url, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout);
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static long seconds(String s) {
        try {
            return Math.min(60, Long.parseLong(s.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
