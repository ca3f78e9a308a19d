package io.physalia.node;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.ConfigEpoch;
import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Replica;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The node's part in discovery (paper section 2.5). Members push their cell's entry (cell to
 * members, with the configuration's epoch) to the cell's {@link DiscoveryOwners}: {@value #COPIES}
 * nodes of this node's color chosen by hashing the cell name. They push when a cell is hosted or
 * joined here, when a membership change is chosen, at start, and every
 * {@value #REFRESH_EVERY_MILLIS} ms for the cells this node is designated to refresh (it leads
 * them, or it is their first member by name), which repairs owners that restarted. A failed push
 * is tried again {@value #RETRY_AFTER_MILLIS} ms later.
 *
 * <p>A lookup on any node asks the cell's owners and takes the newest entry among theirs, this
 * node's own replica of the cell (if hosted) and its forwarding pointer (if the cell moved away).
 * Pushes and lookups between nodes use the admin routes (the colony's admin token).
 */
final class Discovery {
    static final int COPIES = 3;
    static final long FLUSH_EVERY_MILLIS = 200;
    static final long RETRY_AFTER_MILLIS = 10_000;
    static final long REFRESH_EVERY_MILLIS = 300_000;
    static final int MAX_ENTRIES_PER_PUSH = 1000;
    static final Duration NODE_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(Discovery.class.getName());

    final DiscoveryStore store = new DiscoveryStore();
    final ForwardingPointers pointers = new ForwardingPointers();
    final AtomicLong pushesFailed = new AtomicLong();
    final AtomicLong entriesPushed = new AtomicLong();
    private final Node node;
    /** Cells to push, and the node clock reading before which not to (0: at once). */
    private final Map<String, Long> due = new ConcurrentHashMap<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(NODE_TIMEOUT).build();
    private long flushTimer = -1;
    private long refreshTimer = -1;

    Discovery(Node node) {
        this.node = node;
    }

    void start() {
        for (String cell : node.hostedCells()) {
            due.put(cell, 0L);
        }
        flushTimer = node.vertx().setPeriodic(FLUSH_EVERY_MILLIS, id -> flush());
        refreshTimer = node.vertx().setPeriodic(REFRESH_EVERY_MILLIS, id -> refresh());
    }

    void stop() {
        if (flushTimer >= 0) {
            node.vertx().cancelTimer(flushTimer);
            node.vertx().cancelTimer(refreshTimer);
        }
    }

    // ---- hooks from the node -----------------------------------------------------------------

    /** The cell's members may have changed as seen from here: push its entry soon. */
    void changed(String cell) {
        due.put(cell, 0L);
    }

    /** The cell is hosted here (created or joined): no pointer applies, and its owners should hear. */
    void hosted(String cell) {
        pointers.remove(cell);
        changed(cell);
    }

    /** Called on a membership change chosen in {@code cell} (any member that learns it). */
    void chosen(String cell, Batch value) {
        for (Command c : value.commands()) {
            if (c instanceof Command.AddMember || c instanceof Command.RemoveMember) {
                changed(cell);
                return;
            }
        }
    }

    /** The cell was dropped here (on its context): keep a pointer to the members it has without us. */
    void dropped(String cell, Replica replica) {
        DiscoveryEntry e = entryOf(replica).without(node.config().name());
        if (!e.members().isEmpty()) {
            pointers.put(e);
        }
        due.remove(cell);
    }

    /** The entry this replica's state gives (on the cell's context). */
    DiscoveryEntry entryOf(Replica r) {
        ConfigEpoch epoch = r.state().latestEpoch();
        List<DiscoveryEntry.Located> members = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (Member m : epoch.configuration().members()) {
            String name = m.node().name();
            if (seen.add(name)) {
                members.add(new DiscoveryEntry.Located(name, node.transport() == null ? null : node.transport().httpAddress(name)));
            }
        }
        String leader = r.isLeader() ? r.member().node().name() : r.leaderHint() == null ? null : r.leaderHint().name();
        return new DiscoveryEntry(r.cell(), epoch.fromSlot(), members, leader);
    }

    /** This node's color's nodes, itself included: the nodes that may own entries it pushes or looks up. */
    List<String> colorNodes() {
        List<String> nodes = new ArrayList<>();
        nodes.add(node.config().name());
        for (String p : node.peers().snapshot().keySet()) {
            if (node.peers().talksTo(p)) {
                nodes.add(p);
            }
        }
        return nodes;
    }

    List<String> owners(String cell) {
        return DiscoveryOwners.owners(cell, colorNodes(), COPIES);
    }

    // ---- pushing -----------------------------------------------------------------------------

    private void refresh() {
        String self = node.config().name();
        for (String cell : node.hostedCells()) {
            node.inspect(cell, r -> r.stoppedReason() == null && (r.isLeader() || self.equals(firstByName(r))))
                    .onSuccess(designated -> {
                        if (Boolean.TRUE.equals(designated)) {
                            due.putIfAbsent(cell, 0L);
                        }
                    });
        }
    }

    private static String firstByName(Replica r) {
        return r.configuration().members().stream().map(m -> m.node().name()).min(String::compareTo).orElse(null);
    }

    private void flush() {
        if (due.isEmpty() || !flushing.compareAndSet(false, true)) {
            return;
        }
        long now = node.nowMillis();
        List<Future<DiscoveryEntry>> built = new ArrayList<>();
        for (Map.Entry<String, Long> d : due.entrySet()) {
            if (d.getValue() <= now && due.remove(d.getKey(), d.getValue())) {
                built.add(node.inspect(d.getKey(), r -> r.stoppedReason() == null ? entryOf(r) : null));
            }
        }
        Future.join(built).onComplete(ar -> {
            try {
                Map<String, List<DiscoveryEntry>> byOwner = new LinkedHashMap<>();
                for (Future<DiscoveryEntry> f : built) {
                    DiscoveryEntry e = f.succeeded() ? f.result() : null;
                    if (e != null) {
                        for (String owner : owners(e.cell())) {
                            byOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(e);
                        }
                    }
                }
                for (Map.Entry<String, List<DiscoveryEntry>> o : byOwner.entrySet()) {
                    List<DiscoveryEntry> es = o.getValue();
                    for (int i = 0; i < es.size(); i += MAX_ENTRIES_PER_PUSH) {
                        push(o.getKey(), es.subList(i, Math.min(es.size(), i + MAX_ENTRIES_PER_PUSH)));
                    }
                }
            } finally {
                flushing.set(false);
            }
        });
    }

    private void push(String owner, List<DiscoveryEntry> entries) {
        if (owner.equals(node.config().name())) {
            entries.forEach(store::offer);
            entriesPushed.addAndGet(entries.size());
            return;
        }
        String addr = node.adminAddress(owner); // an /admin/discovery route
        if (addr == null) {
            retryLater(entries, "owner " + owner + " has not been heard from");
            return;
        }
        JsonArray a = new JsonArray();
        entries.forEach(e -> a.add(e.toJson()));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + addr + "/admin/discovery")).timeout(NODE_TIMEOUT)
                .header("Authorization", "Bearer " + node.keys().adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("entries", a).encode())).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
            if (err != null || resp.statusCode() != 200) {
                retryLater(entries, "push to " + owner + " failed: " + (err != null ? err : "HTTP " + resp.statusCode() + " " + resp.body()));
            } else {
                entriesPushed.addAndGet(entries.size());
            }
        });
    }

    private void retryLater(List<DiscoveryEntry> entries, String why) {
        pushesFailed.incrementAndGet();
        LOG.fine(() -> "discovery: " + why + "; retrying in " + RETRY_AFTER_MILLIS + " ms");
        long at = node.nowMillis() + RETRY_AFTER_MILLIS;
        for (DiscoveryEntry e : entries) {
            if (node.hosts(e.cell())) {
                due.putIfAbsent(e.cell(), at);
            }
        }
    }

    /** Takes pushed entries (from the admin route); returns how many were newer than what was held. */
    int accept(List<DiscoveryEntry> entries) {
        int kept = 0;
        for (DiscoveryEntry e : entries) {
            if (store.offer(e)) {
                kept++;
            }
        }
        return kept;
    }

    // ---- looking up --------------------------------------------------------------------------

    /** The newest entry this node knows by itself: its replica of the cell, its store, its pointer. Null if none. */
    Future<DiscoveryEntry> localLookup(String cell) {
        return node.inspect(cell, this::entryOf).map(hosted -> {
            DiscoveryEntry best = hosted;
            for (DiscoveryEntry e : new DiscoveryEntry[] {store.get(cell), pointers.get(cell)}) {
                if (e != null && e.newerThan(best)) {
                    best = e;
                }
            }
            return best;
        });
    }

    /** The newest entry among this node's own knowledge and the cell's owners' (null if nobody knows the cell). */
    Future<DiscoveryEntry> lookup(String cell) {
        List<Future<DiscoveryEntry>> asked = new ArrayList<>();
        asked.add(localLookup(cell));
        for (String owner : owners(cell)) {
            if (!owner.equals(node.config().name())) {
                asked.add(askOwner(owner, cell));
            }
        }
        return Future.join(asked).transform(ar -> {
            DiscoveryEntry best = null;
            for (Future<DiscoveryEntry> f : asked) {
                DiscoveryEntry e = f.succeeded() ? f.result() : null;
                if (e != null && (best == null || e.newerThan(best))) {
                    best = e;
                }
            }
            return Future.succeededFuture(best == null ? null : best.withAddresses(n -> node.transport().httpAddress(n)));
        });
    }

    private Future<DiscoveryEntry> askOwner(String owner, String cell) {
        String addr = node.adminAddress(owner); // an /admin/discovery route
        if (addr == null) {
            return Future.succeededFuture(null);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + addr + "/admin/discovery/cells/"
                        + URLEncoder.encode(cell, StandardCharsets.UTF_8))).timeout(NODE_TIMEOUT)
                .header("Authorization", "Bearer " + node.keys().adminToken()).GET().build();
        return Future.fromCompletionStage(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((resp, err) -> {
            if (err != null || resp.statusCode() != 200) {
                return null; // an owner that is down or does not know the cell: the others may
            }
            try {
                return DiscoveryEntry.parse(new JsonObject(resp.body()), "entry");
            } catch (TxnJson.BadRequest | RuntimeException e) {
                LOG.warning("discovery: owner " + owner + " answered a malformed entry for " + cell + ": " + e.getMessage());
                return null;
            }
        }));
    }
}
