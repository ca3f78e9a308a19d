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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A client for a Physalia colony, given a few of its nodes as seeds.
 *
 * <p>Finding cells: on first use of a cell the client asks discovery ({@code GET
 * /discovery/cells/{cell}} on a seed) for its members and caches the answer indefinitely. A node
 * the cell moved away from answers 308 with the new members (a forwarding pointer): the client
 * updates its cache and follows. If every cached member says it does not host the cell, the
 * client asks discovery again. A cell discovery does not know yet is looked for on the seeds.
 *
 * <p>Retrying: redirects to the leader are followed (nothing was proposed). Overload (429),
 * unavailability (503), unknown outcomes (504) and network errors are retried with exponential
 * backoff and full jitter, honouring {@code Retry-After}, at most {@code maxAttempts} rounds per
 * call and within a {@link RetryBudget} shared by all calls of this client, so a struggling
 * colony sees a bounded extra load. A call that gives up reports {@link PhysaliaException.Failed}
 * (certainly not applied) apart from {@link PhysaliaException.OutcomeUnknown} (a write that may
 * have applied; retrying it with the same session and seq applies it at most once).
 *
 * <p>Typed operations live on {@link Session}; {@link #session()} is this client's own. The
 * methods taking JSON text ({@link #txn}, {@link #put}, {@link #get}) are for tools that already
 * hold the API's JSON.
 */
public final class PhysaliaClient {
    static final int MAX_HOPS = 5;
    static final int DEFAULT_ROUNDS = 12;
    /**
     * The longest wait before the next round when a member answered but named a leader that
     * cannot be reached: a leader change is under way, and the members hold a request once they
     * campaign, so the next try should come soon rather than after a long backoff.
     */
    static final long LEADER_CHANGE_RETRY_CAP_MILLIS = 100;

    private final List<String> seeds;
    private final HttpClient http;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final RetryBudget budget;
    private final CellDirectory directory = new CellDirectory();
    private final Random random = new Random();
    private final Session session;

    /**
     * Retries a call in up to {@value #DEFAULT_ROUNDS} rounds (with the default backoff, about
     * eight seconds in all on average: longer than a leader change, which waits out the old
     * leader's lease times the clock-rate bound, 0.6 s by default).
     */
    public PhysaliaClient(List<String> nodes) {
        this(nodes, Backoff.DEFAULT, DEFAULT_ROUNDS, Duration.ofSeconds(15));
    }

    public PhysaliaClient(List<String> nodes, Backoff backoff, int maxAttempts, Duration requestTimeout) {
        this(nodes, backoff, maxAttempts, requestTimeout, new RetryBudget(RetryBudget.DEFAULT));
    }

    public PhysaliaClient(List<String> nodes, Backoff backoff, int maxAttempts, Duration requestTimeout, RetryBudget budget) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("give at least one node as host:port");
        }
        for (String n : nodes) {
            if (n.isBlank() || n.contains("/") || n.lastIndexOf(':') <= 0) {
                throw new IllegalArgumentException("node '" + n + "' must be host:port");
            }
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.seeds = List.copyOf(nodes);
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.requestTimeout = requestTimeout;
        this.budget = budget;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.session = new Session(this);
    }

    /** This client's own session (one client id, its seqs, its high-water marks). */
    public Session session() {
        return session;
    }

    /** A fresh session: its own client id for exactly-once writes, its own monotonic reads. */
    public Session newSession() {
        return new Session(this);
    }

    public String clientId() {
        return session.clientId();
    }

    public RetryBudget retryBudget() {
        return budget;
    }

    /** The cached location of {@code cell}, or null if this client has not found it yet. */
    public CellLocation cached(String cell) {
        return directory.get(cell);
    }

    /** The location of {@code cell}: the cached one, else asked of discovery (null if discovery does not know it). */
    public CellLocation locate(String cell) {
        CellLocation loc = directory.get(cell);
        return loc != null ? loc : lookup(cell);
    }

    // ---- JSON-text operations --------------------------------------------------------------------

    /** Creates {@code cell} on {@code members} (idempotent). */
    public Response createCell(String cell, List<String> members) throws PhysaliaException {
        StringBuilder b = new StringBuilder("{\"members\":[");
        for (int i = 0; i < members.size(); i++) {
            b.append(i == 0 ? "" : ",").append(Json.quote(members.get(i)));
        }
        return send(new Call("PUT", "/cells/" + enc(cell), b.append("]}").toString(), false, null, null, 0, false));
    }

    /**
     * Runs a transaction: {@code txnJson} is an object with {@code conditions} and {@code ops}
     * (docs/openapi.yaml). It is sent with this client's session id and the next seq.
     */
    public Response txn(String cell, String txnJson) throws PhysaliaException {
        String t = txnJson.strip();
        if (!t.startsWith("{")) {
            throw new IllegalArgumentException("a transaction is a JSON object");
        }
        long s = session.nextSeq();
        String rest = t.substring(1).strip();
        String body = "{\"client\":" + Json.quote(session.clientId()) + ",\"seq\":" + s + (rest.startsWith("}") ? "" : ",") + rest;
        return send(new Call("POST", "/cells/" + enc(cell) + "/txn", body, true, cell, session, s, true));
    }

    /** Writes one key; {@code valueJson} is a typed value such as {@code {"int":"5"}}. */
    public Response put(String cell, String key, String valueJson) throws PhysaliaException {
        return txn(cell, "{\"ops\":[{\"op\":\"put\",\"key\":" + Json.quote(key) + ",\"value\":" + valueJson + "}]}");
    }

    /** Reads one key; {@code consistency} is "linearizable" or "eventual" (eventual reads are monotonic in this client's session). */
    public Response get(String cell, String key, String consistency) throws PhysaliaException {
        Consistency c = Consistency.parse(consistency);
        return send(new Call("GET", "/cells/" + enc(cell) + "/keys/" + enc(key) + session.readParams(cell, c), null, false,
                cell, session, 0, c == Consistency.LINEARIZABLE));
    }

    // ---- sending ---------------------------------------------------------------------------------

    /**
     * One request. {@code cell} null: any seed may take it. {@code write}: it may apply, so an
     * unclear end is an unknown outcome. {@code leaderAnswers}: the node that answers it with a
     * 2xx leads the cell (remembered, tried first next time).
     */
    record Call(String method, String path, String body, boolean write, String cell, Session session, long seq,
                boolean leaderAnswers) {}

    private enum Kind { FINAL, NEXT, NOT_HOSTED, RETRY }

    /** {@code leaderUnreachable}: a member redirected to a leader that could not be reached (a leader change is under way). */
    private record Outcome(Kind kind, Response response, long retryAfterMillis, boolean maybeApplied, String note,
                           Exception error, boolean leaderUnreachable) {
        Outcome(Kind kind, Response response, long retryAfterMillis, boolean maybeApplied, String note, Exception error) {
            this(kind, response, retryAfterMillis, maybeApplied, note, error, false);
        }

        static Outcome of(Kind k, String note) {
            return new Outcome(k, null, 0, false, note, null);
        }
    }

    Response send(Call c) throws PhysaliaException {
        budget.onRequest();
        boolean maybeApplied = false;
        boolean refreshed = false;
        Exception lastError = null;
        String lastAnswer = "no answer";
        List<String> candidates = candidates(c, false);
        // the leader first when it must answer; otherwise spread the load (eventual reads, seeds)
        int start = c.leaderAnswers() && c.cell() != null && directory.get(c.cell()) != null ? 0 : random.nextInt(candidates.size());
        for (int round = 0; ; round++) {
            long retryAfterMillis = 0;
            boolean retry = false;
            boolean leaderChange = false;
            int notHosted = 0;
            Response notHostedAnswer = null;
            for (int i = 0; i < candidates.size() && !retry; i++) {
                Outcome o = attempt(c, candidates.get((start + i) % candidates.size()));
                maybeApplied |= o.maybeApplied();
                leaderChange |= o.leaderUnreachable();
                if (o.note() != null) {
                    lastAnswer = o.note();
                }
                if (o.error() != null) {
                    lastError = o.error();
                }
                switch (o.kind()) {
                    case FINAL -> {
                        return o.response();
                    }
                    case NOT_HOSTED -> {
                        notHosted++;
                        notHostedAnswer = o.response();
                    }
                    case RETRY -> {
                        retry = true;
                        retryAfterMillis = o.retryAfterMillis();
                    }
                    case NEXT -> retryAfterMillis = Math.max(retryAfterMillis, o.retryAfterMillis());
                }
            }
            if (!retry && notHosted == candidates.size()) {
                if (c.cell() != null && !refreshed) {
                    refreshed = true; // every member we knew says no: ask discovery afresh, at once
                    directory.forget(c.cell());
                    candidates = candidates(c, true);
                    start = 0;
                    round--;
                    continue;
                }
                if (!maybeApplied) {
                    return notHostedAnswer; // no node hosts it: a final "not found"
                }
            }
            if (round + 1 >= maxAttempts) {
                lastAnswer = "gave up after " + maxAttempts + " rounds; last: " + lastAnswer;
                break;
            }
            if (!budget.tryRetry()) {
                lastAnswer = "retry budget exhausted (too many retries across this client's calls); last: " + lastAnswer;
                break;
            }
            long delay = backoff.delayMillis(round, random);
            if (leaderChange && !retry) {
                delay = Math.min(delay, LEADER_CHANGE_RETRY_CAP_MILLIS);
            }
            sleep(Math.max(retryAfterMillis, delay));
        }
        throw maybeApplied
                ? new PhysaliaException.OutcomeUnknown("outcome unknown: " + lastAnswer, c.session() == null ? null
                        : c.session().clientId(), c.seq(), lastError)
                : new PhysaliaException.Failed("failed: " + lastAnswer, lastError);
    }

    /** One try at {@code target}, following redirects (307, to the leader) and forwarding pointers (308). */
    private Outcome attempt(Call c, String target) {
        String url = "http://" + target + c.path();
        int hop = 0;
        try {
            for (; ; hop++) {
                HttpResponse<String> r = http.send(request(c, url), HttpResponse.BodyHandlers.ofString());
                String node = URI.create(url).getAuthority();
                int st = r.statusCode();
                if (st == 307 || st == 308) {
                    String loc = r.headers().firstValue("Location").orElse(null);
                    if (st == 308 && c.cell() != null) {
                        learnPointer(c.cell(), r.body());
                    }
                    if (loc == null || hop >= MAX_HOPS) {
                        return Outcome.of(Kind.NEXT, node + ": HTTP " + st + " without a usable Location after " + hop + " hops");
                    }
                    url = loc; // not proposed: following is always safe
                    continue;
                }
                Response answer = new Response(st, r.body(), node);
                if (st == 404 && c.cell() != null && isNotHosted(r.body())) {
                    if (r.body().contains("\"moved\"")) {
                        learnPointer(c.cell(), r.body());
                    }
                    return new Outcome(Kind.NOT_HOSTED, answer, 0, false, node + ": " + r.body(), null);
                }
                long retryAfterMillis = r.headers().firstValue("Retry-After").map(PhysaliaClient::seconds).orElse(0L);
                if (st == 503) {
                    // this replica cannot serve now (election, behind the session, refused): another may
                    return new Outcome(Kind.NEXT, null, retryAfterMillis, false, node + ": HTTP 503 " + r.body(), null);
                }
                if (st == 429) {
                    return new Outcome(Kind.RETRY, null, retryAfterMillis, false, node + ": HTTP 429 " + r.body(), null);
                }
                if (st == 504) {
                    boolean unknown = c.write() && r.headers().firstValue("Physalia-Outcome").orElse("").equals("unknown");
                    // retry: a write carries (client, seq), so it applies at most once
                    return new Outcome(Kind.RETRY, null, retryAfterMillis, unknown, node + ": HTTP 504 " + r.body(), null);
                }
                if (st >= 200 && st < 300 && c.cell() != null) {
                    r.headers().firstValue("Physalia-High-Water").ifPresent(h -> c.session().observe(c.cell(), h));
                    if (c.leaderAnswers()) {
                        directory.leader(c.cell(), node);
                    }
                }
                return new Outcome(Kind.FINAL, answer, 0, false, null, null);
            }
        } catch (HttpConnectTimeoutException | ConnectException e) {
            String at = hop == 0 ? target : URI.create(url).getAuthority() + " (redirected to by " + target + ")";
            return new Outcome(Kind.NEXT, null, 0, false, at + " unreachable: " + e, e, hop > 0); // nothing was sent
        } catch (IOException e) {
            // the request may have been sent and applied
            return new Outcome(Kind.RETRY, null, 0, c.write(), target + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Kind.RETRY, null, 0, c.write(), "interrupted", e);
        } catch (IllegalArgumentException e) {
            return Outcome.of(Kind.NEXT, target + ": bad redirect: " + e.getMessage());
        }
    }

    /** One GET to one node, no redirects or retries (for per-member status). */
    Response direct(String node, String path) throws PhysaliaException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + node + path)).timeout(requestTimeout)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), node);
        } catch (IOException e) {
            throw new PhysaliaException.Failed(node + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PhysaliaException.Failed("interrupted", e);
        }
    }

    private static boolean isNotHosted(String body) {
        return body.contains("is not hosted on node") || body.contains("\"moved\"");
    }

    private void learnPointer(String cell, String body) {
        try {
            directory.offer(CellLocation.fromJson(cell, Json.parseObject(body)));
        } catch (IllegalArgumentException ignored) {
            // a pointer we cannot read: the redirect alone still helps
        }
    }

    /** Where to send {@code c}: the cell's members (the leader first), else the seeds. */
    private List<String> candidates(Call c, boolean fresh) {
        if (c.cell() != null) {
            CellLocation loc = fresh ? lookup(c.cell()) : locate(c.cell());
            if (loc != null && !loc.addresses().isEmpty()) {
                return loc.addresses();
            }
        }
        return seeds;
    }

    /** Asks discovery on the seeds (in random order) for {@code cell}; caches and returns what it says, or null. */
    private CellLocation lookup(String cell) {
        List<String> order = new ArrayList<>(seeds);
        Collections.shuffle(order, random);
        for (String seed : order) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + seed + "/discovery/cells/" + enc(cell)))
                        .timeout(requestTimeout).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return directory.offer(CellLocation.fromJson(cell, Json.parseObject(r.body())));
                }
            } catch (IOException | IllegalArgumentException e) {
                // this seed cannot say; another may
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private HttpRequest request(Call c, String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout);
        if (c.body() != null) {
            b.header("Content-Type", "application/json");
        }
        return b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(c.body())).build();
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

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Parses a 2xx answer's body, or throws Failed with the node's own message. */
    static Map<String, Object> expectOk(Response r, String what) throws PhysaliaException.Failed {
        if (!r.ok()) {
            throw new PhysaliaException.Failed(what + ": HTTP " + r.status() + " from " + r.node() + ": " + errorOf(r), r.status(), null);
        }
        try {
            return Json.parseObject(r.body());
        } catch (IllegalArgumentException e) {
            throw new PhysaliaException.Failed(what + ": unreadable answer from " + r.node() + ": " + e.getMessage(), r.status(), e);
        }
    }

    static String errorOf(Response r) {
        try {
            String e = Json.string(Json.parseObject(r.body()), "error");
            return e != null ? e : Json.abbreviate(r.body());
        } catch (IllegalArgumentException e) {
            return Json.abbreviate(r.body());
        }
    }
}
