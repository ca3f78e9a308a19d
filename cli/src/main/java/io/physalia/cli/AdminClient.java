package io.physalia.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The local control plane's side of the nodes' admin API (docs/node.md): a replica's status, a
 * membership change through the leader, hosting a joining member, dropping a replica, and the
 * cells a node hosts. Nodes are named; {@code addressOf} gives their HTTP address.
 */
final class AdminClient {
    static final String CLIENT_ID = "physalia-local-control";

    /** Read per call: after a key rotation the nodes stop accepting the old key's token. */
    private final Supplier<String> token;
    private final Function<String, String> addressOf;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
    /** Membership changes carry one seq each, so a retried change applies at most once. */
    private final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1000);

    AdminClient(Supplier<String> adminToken, Function<String, String> addressOf) {
        this.token = adminToken;
        this.addressOf = addressOf;
    }

    HttpResponse<String> send(String method, String node, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + addressOf.apply(node) + path))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token.get()).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The replica's status on {@code node} ({@code GET /admin/cells/C}), or null if it hosts none or cannot be reached. */
    JsonObject replica(String node, String cell) throws InterruptedException {
        try {
            HttpResponse<String> r = send("GET", node, "/admin/cells/" + cell, null);
            return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The first status a live member answers with, trying for up to 20 s. */
    JsonObject statusFromAny(String cell, List<String> nodes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (String n : nodes) {
                JsonObject s = replica(n, cell);
                if (s != null) {
                    return s;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("no live member of cell " + cell + " among " + nodes + " answers");
    }

    /** Submits a membership change, following redirects to the leader; retries while another change is pending. */
    JsonObject membership(String cell, List<String> nodes, JsonObject change) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long s = seq.incrementAndGet();
        String last = "";
        int next = 0;
        String target = addressOf.apply(nodes.get(0));
        while (System.nanoTime() < deadline) {
            JsonObject body = change.copy().put("client", CLIENT_ID).put("seq", s);
            HttpResponse<String> r;
            try {
                r = sendTo(target, "/admin/cells/" + cell + "/members", body.encode());
            } catch (IOException e) {
                last = e.toString();
                target = addressOf.apply(nodes.get(++next % nodes.size()));
                Thread.sleep(200);
                continue;
            }
            if (r.statusCode() == 307) {
                target = URI.create(r.headers().firstValue("Location").orElse("")).getAuthority();
                continue;
            }
            if (r.statusCode() == 200) {
                JsonObject o = new JsonObject(r.body());
                if (o.getBoolean("applied", false)) {
                    return o;
                }
                last = o.getString("detail");
                s = seq.incrementAndGet(); // refused (a change is pending): a new command next time
            } else {
                last = "HTTP " + r.statusCode() + " " + r.body();
                if (r.statusCode() == 404 || r.statusCode() == 503) {
                    target = addressOf.apply(nodes.get(++next % nodes.size()));
                }
            }
            Thread.sleep(300);
        }
        throw new IOException("membership change " + change.encode() + " in cell " + cell + " did not apply: " + last);
    }

    private HttpResponse<String> sendTo(String hostPort, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token.get()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The cells {@code node} hosts ({@code GET /cells}). */
    List<String> hostedCells(String node) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + addressOf.apply(node) + "/cells"))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET /cells on " + node + ": HTTP " + r.statusCode());
        }
        List<String> out = new ArrayList<>();
        JsonArray a = new JsonObject(r.body()).getJsonArray("cells", new JsonArray());
        a.forEach(o -> out.add(String.valueOf(o)));
        return out;
    }

    /** Stops hosting the cell on the node ({@code DELETE /admin/cells/C}); true if it was hosted. */
    boolean drop(String node, String cell) throws IOException, InterruptedException {
        HttpResponse<String> r = send("DELETE", node, "/admin/cells/" + cell, null);
        if (r.statusCode() != 200 && r.statusCode() != 404) {
            throw new IOException("dropping cell " + cell + " on " + node + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.statusCode() == 200;
    }

    /** A member string {@code node@incarnation} of {@code node} in a configuration, or null. */
    static String member(JsonArray config, String node) {
        if (config == null) {
            return null;
        }
        for (Object o : config) {
            if (o instanceof String s && s.substring(0, s.lastIndexOf('@')).equals(node)) {
                return s;
            }
        }
        return null;
    }
}
