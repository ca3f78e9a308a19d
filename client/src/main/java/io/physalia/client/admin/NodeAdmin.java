package io.physalia.client.admin;

import io.physalia.client.Json;
import io.physalia.core.cell.Member;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The control plane's side of the nodes' admin API (docs/node.md), typed: a replica's status, a
 * membership change through the leader, hosting a joining member, dropping a replica, the cells a
 * node hosts and its health. Every call is one bounded exchange (a few seconds at most) and never
 * waits for an outcome: the callers ({@code physalia local}'s loop, the operator's reconcilers)
 * observe again and decide the next step ({@code io.physalia.controlplane.MembershipSteps}).
 * Nodes are named; {@code addressOf} gives their HTTP {@code host:port}.
 */
public final class NodeAdmin {
    public static final String CLIENT_ID = "physalia-control-plane";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Redirects followed to reach a cell's leader: more means the members disagree on who leads. */
    private static final int MAX_REDIRECTS = 3;

    /** Read per call: after a key rotation the nodes stop accepting the old key's token. */
    private final Supplier<String> token;
    private final Function<String, String> addressOf;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();
    /** Every membership change carries its own seq, so a retried request applies at most once. */
    private final AtomicLong seq = new AtomicLong(System.currentTimeMillis() * 1000);

    public NodeAdmin(Supplier<String> adminToken, Function<String, String> addressOf) {
        this.token = adminToken;
        this.addressOf = addressOf;
    }

    /** A membership change: add a node (it gets a new incarnation) or remove a member. */
    public sealed interface Change {
        String json();

        record Add(String node) implements Change {
            @Override
            public String json() {
                return "\"add\":" + Json.quote(node);
            }
        }

        record Remove(Member member) implements Change {
            @Override
            public String json() {
                return "\"remove\":" + Json.quote(member.text());
            }
        }
    }

    private HttpResponse<String> send(String method, String hostPort, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path)).timeout(CALL_TIMEOUT)
                .header("Authorization", "Bearer " + token.get()).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The node's HTTP address; a node without one (a pod without an IP yet) is unreachable. */
    private String address(String node) throws IOException {
        String a = addressOf.apply(node);
        if (a == null) {
            throw new IOException("node " + node + " has no address yet");
        }
        return a;
    }

    /** A JSON array of strings. */
    private static String strings(List<String> items) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            b.append(i == 0 ? "" : ",").append(Json.quote(items.get(i)));
        }
        return b.append(']').toString();
    }

    private static String path(String cell) {
        return "/admin/cells/" + java.net.URLEncoder.encode(cell, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The replica of {@code cell} on {@code node}; empty if it hosts none or cannot be reached. */
    public Optional<ReplicaStatus> replica(String node, String cell) throws InterruptedException {
        try {
            HttpResponse<String> r = send("GET", address(node), path(cell), null);
            return r.statusCode() == 200 ? Optional.of(ReplicaStatus.fromJson(Json.parseObject(r.body()))) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Submits a membership change to the cell's leader, starting at the first of {@code nodes}
     * that answers and following its redirects. One attempt: a refusal (another change pending)
     * comes back as {@code applied=false}; the caller observes and decides again.
     */
    public MembershipResult changeMembership(String cell, List<String> nodes, Change change) throws IOException, InterruptedException {
        String body = "{" + change.json() + ",\"client\":" + Json.quote(CLIENT_ID) + ",\"seq\":" + seq.incrementAndGet() + "}";
        String last = "no member to ask";
        for (String n : nodes) {
            String target;
            try {
                target = address(n);
            } catch (IOException e) {
                last = e.getMessage();
                continue;
            }
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                HttpResponse<String> r;
                try {
                    r = send("POST", target, path(cell) + "/members", body);
                } catch (IOException e) {
                    last = target + ": " + e;
                    break;
                }
                if (r.statusCode() == 307) {
                    target = URI.create(r.headers().firstValue("Location").orElse("http://" + target)).getAuthority();
                    continue;
                }
                if (r.statusCode() == 200) {
                    return MembershipResult.fromJson(Json.parseObject(r.body()));
                }
                last = target + ": HTTP " + r.statusCode() + " " + r.body();
                break;
            }
        }
        throw new IOException("membership change {" + change.json() + "} in cell " + cell + " reached no leader: " + last);
    }

    /**
     * Hosts a founding replica of a new cell on {@code node} ({@code PUT /admin/cells/C}); true if
     * it was created now, false if the node already hosted it.
     */
    public boolean hostFounding(String node, String cell, List<String> members) throws IOException, InterruptedException {
        HttpResponse<String> r = send("PUT", address(node), path(cell), "{\"members\":" + strings(members) + "}");
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IOException("hosting cell " + cell + " on " + node + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.statusCode() == 201;
    }

    /** A peer as the admin API takes it: its peer-port address and its color. */
    public record Peer(String address, String color) {}

    /**
     * Sets {@code node}'s peer directory to exactly {@code peers} ({@code PUT /admin/peers}): the
     * nodes it shares cells with, so it dials and pings those and no others.
     */
    public void setPeers(String node, Map<String, Peer> peers) throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder("{\"peers\":{");
        boolean first = true;
        for (Map.Entry<String, Peer> e : new java.util.TreeMap<>(peers).entrySet()) {
            b.append(first ? "" : ",").append(Json.quote(e.getKey())).append(":{\"address\":").append(Json.quote(e.getValue().address()))
                    .append(",\"color\":").append(Json.quote(e.getValue().color())).append('}');
            first = false;
        }
        HttpResponse<String> r = send("PUT", address(node), "/admin/peers", b.append("}}").toString());
        if (r.statusCode() != 200) {
            throw new IOException("setting the peers of " + node + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** Hosts {@code member}, added by a change, on its node, knowing only the configuration it joins. */
    public void join(String cell, Member member, List<Member> configuration) throws IOException, InterruptedException {
        String body = "{\"member\":" + Json.quote(member.text()) + ",\"members\":"
                + strings(configuration.stream().map(Member::text).toList()) + "}";
        String node = member.node().name();
        HttpResponse<String> r = send("PUT", address(node), path(cell) + "/join", body);
        if (r.statusCode() / 100 != 2) {
            throw new IOException("hosting " + member.text() + " of cell " + cell + " on " + node + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** Stops hosting the cell on the node ({@code DELETE /admin/cells/C}); true if it was hosted. */
    public boolean drop(String node, String cell) throws IOException, InterruptedException {
        HttpResponse<String> r = send("DELETE", address(node), path(cell), null);
        if (r.statusCode() != 200 && r.statusCode() != 404) {
            throw new IOException("dropping cell " + cell + " on " + node + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.statusCode() == 200;
    }

    /** The cells {@code node} hosts ({@code GET /cells}). */
    public List<String> hostedCells(String node) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", address(node), "/cells", null);
        if (r.statusCode() != 200) {
            throw new IOException("GET /cells on " + node + ": HTTP " + r.statusCode());
        }
        List<String> out = new ArrayList<>();
        Map<String, Object> o;
        try {
            o = Json.parseObject(r.body());
        } catch (IllegalArgumentException e) {
            throw new IOException("GET /cells on " + node + ": " + e.getMessage());
        }
        Json.list(o, "cells").forEach(c -> out.add(String.valueOf(c)));
        return out;
    }

    /** Replicas listed per page by {@link #hostedReplicas}: the node's own bound. */
    static final int PAGE = 10_000;

    /**
     * Every replica {@code node} hosts, with its status, in one call per 10,000
     * ({@code GET /admin/cells}, paged): what the control plane surveys instead of asking cell by
     * cell.
     */
    public List<ReplicaStatus> hostedReplicas(String node) throws IOException, InterruptedException {
        List<ReplicaStatus> out = new ArrayList<>();
        String after = null;
        while (true) {
            String query = "/admin/cells?limit=" + PAGE + (after == null ? "" : "&after="
                    + java.net.URLEncoder.encode(after, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> r = send("GET", address(node), query, null);
            if (r.statusCode() != 200) {
                throw new IOException("GET /admin/cells on " + node + ": HTTP " + r.statusCode() + " " + r.body());
            }
            Map<String, Object> o;
            try {
                o = Json.parseObject(r.body());
                for (Object c : Json.list(o, "cells")) {
                    out.add(ReplicaStatus.fromJson(Json.object(c)));
                }
            } catch (IllegalArgumentException e) {
                throw new IOException("GET /admin/cells on " + node + ": " + e.getMessage());
            }
            after = Json.string(o, "next");
            if (!Json.bool(o, "truncated") || after == null) {
                return out;
            }
        }
    }

    /** Whether the node answers {@code GET /healthz} with 200 within {@code timeout}. */
    public boolean healthy(String node, Duration timeout) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address(node) + "/healthz")).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
