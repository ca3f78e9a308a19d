package io.physalia.client;

import io.physalia.core.cell.CommandResult.LeaseStatus;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.VersionedValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client session: one client id with increasing sequence numbers, so every write applies at
 * most once however often it is retried, and a high-water mark per cell (the log position of the
 * newest state this session has seen), sent with every eventually consistent read so that a
 * replica serves it only once it has applied that far: reads never go back in time, across
 * replicas. Use a session from one thread at a time when the order of its writes matters.
 */
public final class Session {
    private final PhysaliaClient client;
    private final String clientId = "c-" + UUID.randomUUID();
    private final AtomicLong seq = new AtomicLong();
    private final Map<String, Long> highWater = new ConcurrentHashMap<>();

    Session(PhysaliaClient client) {
        this.client = client;
    }

    public String clientId() {
        return clientId;
    }

    /** The newest log position of {@code cell} this session has seen (0 if none). */
    public long highWater(String cell) {
        return highWater.getOrDefault(cell, 0L);
    }

    long nextSeq() {
        return seq.incrementAndGet();
    }

    void observe(String cell, String header) {
        try {
            long h = Long.parseLong(header.trim());
            if (h >= 0) {
                highWater.merge(cell, h, Math::max);
            }
        } catch (NumberFormatException ignored) {
            // a header we cannot read does not move the mark
        }
    }

    String readParams(String cell, Consistency c) {
        long h = highWater(cell);
        return "?consistency=" + c.param() + (c == Consistency.EVENTUAL && h > 0 ? "&minSlot=" + h : "");
    }

    private String cellPath(String cell) {
        return "/cells/" + PhysaliaClient.enc(cell);
    }

    // ---- transactions and reads --------------------------------------------------------------

    /**
     * Runs {@code t}. A transaction with writes goes through the cell's log with this session's
     * id and next seq; a read-only one is a linearizable read.
     */
    public TxnOutcome transact(String cell, Transaction t) throws PhysaliaException {
        if (t.isReadOnly()) {
            return read(cell, t, Consistency.LINEARIZABLE);
        }
        long s = nextSeq();
        Response r = client.send(new PhysaliaClient.Call("POST", cellPath(cell) + "/txn", ApiJson.transaction(t, clientId, s),
                true, cell, this, s, true));
        Map<String, Object> o = PhysaliaClient.expectOk(r, "transaction on " + cell);
        return new TxnOutcome(ApiJson.txnResult(o), Json.number(o, "slot", -1), -1, r.node(), r.body());
    }

    /** A read-only transaction (gets and scans) at the given consistency. */
    public TxnOutcome read(String cell, Transaction t, Consistency c) throws PhysaliaException {
        if (!t.isReadOnly()) {
            throw new IllegalArgumentException("a read must not contain writes; use transact");
        }
        Response r = client.send(new PhysaliaClient.Call("POST", cellPath(cell) + "/txn" + readParams(cell, c),
                ApiJson.transaction(t, null, 0), false, cell, this, 0, c == Consistency.LINEARIZABLE));
        Map<String, Object> o = PhysaliaClient.expectOk(r, "read of " + cell);
        return new TxnOutcome(ApiJson.txnResult(o), -1, Json.number(o, "appliedUpTo", -1), r.node(), r.body());
    }

    /** One key's value and version, or empty if the key is absent. */
    public Optional<VersionedValue> get(String cell, String key, Consistency c) throws PhysaliaException {
        Response r = client.send(new PhysaliaClient.Call("GET", cellPath(cell) + "/keys/" + PhysaliaClient.enc(key)
                + readParams(cell, c), null, false, cell, this, 0, c == Consistency.LINEARIZABLE));
        return Optional.ofNullable(ApiJson.versioned(PhysaliaClient.expectOk(r, "read of " + cell + "/" + key)));
    }

    /**
     * One page of a scan: the keys with {@code prefix} (when non-null) or in [start, end) (null
     * bounds are open), after {@code pageToken} (null for the first page). The page's
     * {@code nextPageToken} is null on the last page.
     */
    public OpResult.ScanPage scan(String cell, String prefix, String start, String end, String pageToken, int pageSize,
                                  Consistency c) throws PhysaliaException {
        StringBuilder q = new StringBuilder(readParams(cell, c)).append("&pageSize=").append(pageSize);
        param(q, "prefix", prefix);
        param(q, "start", start);
        param(q, "end", end);
        param(q, "pageToken", pageToken);
        Response r = client.send(new PhysaliaClient.Call("GET", cellPath(cell) + "/keys" + q, null, false, cell, this, 0,
                c == Consistency.LINEARIZABLE));
        return ApiJson.scanPage(PhysaliaClient.expectOk(r, "scan of " + cell));
    }

    /** Every entry of a scan, page after page (each page its own read). */
    public List<OpResult.Entry> scanAll(String cell, String prefix, String start, String end, int pageSize, Consistency c)
            throws PhysaliaException {
        List<OpResult.Entry> all = new ArrayList<>();
        String token = null;
        do {
            OpResult.ScanPage page = scan(cell, prefix, start, end, token, pageSize, c);
            all.addAll(page.entries());
            token = page.nextPageToken();
        } while (token != null);
        return all;
    }

    private static void param(StringBuilder q, String name, String v) {
        if (v != null) {
            q.append('&').append(name).append('=').append(PhysaliaClient.enc(v));
        }
    }

    // ---- leases ------------------------------------------------------------------------------

    /** Asks for {@code lease} for {@code holder}; HELD_BY_OTHER is an answer, not an exception. */
    public LeaseResult acquireLease(String cell, String lease, String holder, Duration duration) throws PhysaliaException {
        return leaseChange(cell, lease, "acquire", holder, "\"durationMillis\":" + duration.toMillis(), duration.toMillis());
    }

    /** Extends a held grant from now; NOT_HOLDER if it expired and was taken over, or was released. */
    public LeaseResult renewLease(String cell, String lease, String holder, long token) throws PhysaliaException {
        return leaseChange(cell, lease, "renew", holder, "\"token\":" + token, 0);
    }

    public LeaseResult renewLease(LeaseResult grant) throws PhysaliaException {
        return renewLease(grant.cell(), grant.lease(), grant.holder(), grant.token());
    }

    public LeaseResult releaseLease(String cell, String lease, String holder, long token) throws PhysaliaException {
        return leaseChange(cell, lease, "release", holder, "\"token\":" + token, 0);
    }

    public LeaseResult releaseLease(LeaseResult grant) throws PhysaliaException {
        return releaseLease(grant.cell(), grant.lease(), grant.holder(), grant.token());
    }

    private LeaseResult leaseChange(String cell, String lease, String action, String holder, String field, long durationMillis)
            throws PhysaliaException {
        long s = nextSeq();
        String body = "{\"client\":" + Json.quote(clientId) + ",\"seq\":" + s + ",\"holder\":" + Json.quote(holder) + "," + field + "}";
        long sentAtNanos = System.nanoTime(); // before the first send: the grant cannot start earlier
        Response r = client.send(new PhysaliaClient.Call("POST", cellPath(cell) + "/leases/" + PhysaliaClient.enc(lease) + "/" + action,
                body, true, cell, this, s, true));
        if (r.status() != 409 || !r.body().contains("\"lease\"")) {
            PhysaliaClient.expectOk(r, "lease " + action + " of " + lease + " in " + cell);
        }
        Map<String, Object> o = Json.parseObject(r.body());
        long duration = Json.number(o, "durationMillis", durationMillis);
        return new LeaseResult(cell, lease, LeaseStatus.valueOf(Json.string(o, "status")), Json.string(o, "holder"),
                Json.number(o, "token", 0), Json.number(o, "version", 0), duration, sentAtNanos, r.body());
    }

    /** Who holds {@code lease}, read at the given consistency. */
    public LeaseInfo lease(String cell, String lease, Consistency c) throws PhysaliaException {
        Response r = client.send(new PhysaliaClient.Call("GET", cellPath(cell) + "/leases/" + PhysaliaClient.enc(lease)
                + readParams(cell, c), null, false, cell, this, 0, c == Consistency.LINEARIZABLE));
        Map<String, Object> o = PhysaliaClient.expectOk(r, "lease " + lease + " of " + cell);
        return new LeaseInfo(cell, lease, Json.bool(o, "held"), Json.string(o, "holder"), Json.number(o, "token", 0),
                Json.number(o, "version", 0), Json.number(o, "durationMillis", 0), Json.number(o, "appliedUpTo", 0), r.body());
    }

    // ---- status ------------------------------------------------------------------------------

    /** Each member's view of the cell (member, leadership, applied prefix, configuration), asked one by one. */
    public List<MemberStatus> cellStatus(String cell) throws PhysaliaException {
        CellLocation loc = client.locate(cell);
        if (loc == null) {
            throw new PhysaliaException.Failed("cell " + cell + " is not known to discovery on any of the given nodes"
                    + " (a cell is known to the nodes of its own color)", 404, null);
        }
        List<MemberStatus> out = new ArrayList<>();
        for (CellLocation.Member m : loc.members()) {
            if (m.http() == null) {
                out.add(new MemberStatus(m.node(), null, null, "its address is unknown"));
                continue;
            }
            try {
                Response r = client.direct(m.http(), cellPath(cell));
                out.add(r.ok() ? new MemberStatus(m.node(), m.http(), Json.parseObject(r.body()), null)
                        : new MemberStatus(m.node(), m.http(), null, "HTTP " + r.status() + ": " + PhysaliaClient.errorOf(r)));
            } catch (PhysaliaException | IllegalArgumentException e) {
                out.add(new MemberStatus(m.node(), m.http(), null, e.getMessage()));
            }
        }
        return out;
    }
}
