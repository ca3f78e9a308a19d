package io.physalia.core.kv;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The data of one cell: keys in code point order ({@link KeyOrder}), each with a value and the
 * cell revision at which it was last written.
 *
 * <h2>Semantics of {@link #apply}</h2>
 * <ul>
 *   <li>{@code apply} is total and deterministic: any transaction, even a malformed one, on any
 *       state yields a {@link TxnResult}; it never throws. Malformed input yields {@code INVALID}
 *       with the validator's reason.</li>
 *   <li>All conditions are checked against the state before the transaction. The first one
 *       that fails yields {@code CONDITION_FAILED}; nothing is written, and the results hold the
 *       reads (gets and scans, in op order) evaluated on the unchanged state. That is the
 *       compound read-and-conditional-write: a client learns what it read even when its write
 *       did not happen.</li>
 *   <li>Every op sees the state before the transaction: a get or scan does not see a put in the
 *       same transaction, and an increment adds to the value before the transaction. Since a
 *       transaction writes each key at most once, op order never changes the outcome.</li>
 *   <li>Writes apply all or nothing. The first op (in op order) that cannot apply decides the
 *       status: {@code TYPE_MISMATCH} for an increment of a non-integer, {@code LIMIT_EXCEEDED}
 *       for an increment result over {@link Limits#maxIntBits()} or {@link Limits#maxValueBytes()}.
 *       Then the cell as a whole: {@code LIMIT_EXCEEDED} when the transaction would grow the cell
 *       beyond {@link Limits#maxKeysPerCell()} or {@link Limits#maxCellBytes()} (a transaction that
 *       does not grow a count is never rejected for it, so deleting is always possible), or when
 *       the revision counter is exhausted ({@link Long#MAX_VALUE}).</li>
 *   <li>An increment of an absent key starts from zero and creates the key.</li>
 *   <li>The revision starts at 0 and advances by exactly 1 for each transaction that changes the
 *       state, that is, puts, increments, or deletes a key that existed. Every key it writes gets
 *       the new revision as its version, so a key deleted and recreated never gets an old version
 *       back (no ABA for {@link Condition.VersionEquals}). A transaction whose only writes are
 *       deletes of absent keys changes nothing and keeps the revision. A put of the value a key
 *       already holds is still a write: the version moves.</li>
 *   <li>On {@code OK} the results hold one {@link OpResult} per op, in op order; on
 *       {@code TYPE_MISMATCH}, {@code LIMIT_EXCEEDED} and {@code INVALID} they are empty.</li>
 * </ul>
 *
 * <p>Idle footprint: millions of cells live on a node and most hold little or nothing, so an
 * empty store is four fields and the map exists only while there are keys.
 *
 * <p>Not thread-safe: a replica applies its log from one context.
 */
public final class KvStore {
    private final Limits limits;
    /** Null while the cell holds no keys. */
    private TreeMap<String, VersionedValue> data;
    private long revision;
    /** Sum of key and value bytes, as counted against {@link Limits#maxCellBytes()}. */
    private long bytes;

    public KvStore(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Rebuilds a store from a snapshot. {@code entries} must be sorted in {@link KeyOrder}
     * without duplicates, every key and value must satisfy {@code limits}, every version must be
     * in 1..{@code revision}, and the whole must fit the cell limits.
     *
     * @throws IllegalArgumentException naming the first offending entry
     */
    public static KvStore restore(long revision, List<OpResult.Entry> entries, Limits limits) {
        Objects.requireNonNull(entries, "entries");
        KvStore store = new KvStore(limits);
        if (revision < 0) {
            throw new IllegalArgumentException("snapshot revision " + revision + " is negative");
        }
        if (entries.size() > limits.maxKeysPerCell()) {
            throw new IllegalArgumentException("snapshot has " + entries.size() + " keys; the limit is "
                    + limits.maxKeysPerCell());
        }
        String previous = null;
        for (int i = 0; i < entries.size(); i++) {
            OpResult.Entry entry = entries.get(i);
            String problem = entryProblem(entry, previous, revision, limits);
            if (problem != null) {
                String key = entry == null ? "" : " " + Describe.key(entry.key());
                throw new IllegalArgumentException("snapshot entry " + i + key + ": " + problem);
            }
            store.bytes += Sizes.entryBytes(entry.key(), entry.value().value());
            if (store.bytes > limits.maxCellBytes()) {
                throw new IllegalArgumentException("snapshot holds more than " + limits.maxCellBytes()
                        + " bytes (the cell limit) at entry " + i);
            }
            previous = entry.key();
        }
        if (!entries.isEmpty()) {
            store.data = new TreeMap<>(KeyOrder.CODE_POINT);
            for (OpResult.Entry entry : entries) {
                store.data.put(entry.key(), entry.value());
            }
        }
        store.revision = revision;
        return store;
    }

    private static String entryProblem(OpResult.Entry entry, String previous, long revision, Limits limits) {
        if (entry == null) {
            return "entry is null";
        }
        String keyProblem = TransactionValidator.keyProblem(entry.key(), limits);
        if (keyProblem != null) {
            return keyProblem;
        }
        if (previous != null && KeyOrder.compare(previous, entry.key()) >= 0) {
            return "not strictly after the previous key " + Describe.key(previous) + " (entries must be sorted and unique)";
        }
        VersionedValue vv = entry.value();
        if (vv == null || vv.value() == null) {
            return "value is null";
        }
        String valueProblem = TransactionValidator.valueProblem(vv.value(), limits);
        if (valueProblem != null) {
            return valueProblem;
        }
        if (vv.version() < 1 || vv.version() > revision) {
            return "version " + vv.version() + " is outside 1.." + revision + " (the snapshot revision)";
        }
        return null;
    }

    public Limits limits() {
        return limits;
    }

    /** The revision of the last transaction that changed the state; 0 for a fresh cell. */
    public long revision() {
        return revision;
    }

    public int size() {
        return data == null ? 0 : data.size();
    }

    /** Bytes of keys (UTF-8) plus values, as counted against {@link Limits#maxCellBytes()}. */
    public long approximateBytes() {
        return bytes;
    }

    /** The value of {@code key} and its version, or null if absent. */
    public VersionedValue get(String key) {
        return data == null || key == null ? null : data.get(key);
    }

    /** Every entry in key order: the data part of a snapshot. */
    public List<OpResult.Entry> entries() {
        if (data == null) {
            return List.of();
        }
        List<OpResult.Entry> out = new ArrayList<>(data.size());
        for (Map.Entry<String, VersionedValue> e : data.entrySet()) {
            out.add(new OpResult.Entry(e.getKey(), e.getValue()));
        }
        return List.copyOf(out);
    }

    /** Applies {@code txn} as described in the class comment. Total: never throws. */
    public TxnResult apply(Transaction txn) {
        String malformed = TransactionValidator.validate(txn, limits).orElse(null);
        if (malformed != null) {
            return failed(TxnStatus.INVALID, malformed);
        }
        String unmet = firstUnmetCondition(txn.conditions());
        if (unmet != null) {
            return new TxnResult(TxnStatus.CONDITION_FAILED, unmet, revision, readsOf(txn.ops()));
        }
        return applyOps(txn.ops());
    }

    /**
     * Evaluates a read-only transaction (conditions, gets and scans) without changing anything,
     * with the same results {@link #apply} would give. For reads served from the local replica.
     * A transaction with a write is {@code INVALID}.
     */
    public TxnResult read(Transaction txn) {
        String malformed = TransactionValidator.validate(txn, limits).orElse(null);
        if (malformed != null) {
            return failed(TxnStatus.INVALID, malformed);
        }
        List<Op> ops = txn.ops();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).isWrite()) {
                return failed(TxnStatus.INVALID, Describe.op(i, ops.get(i)) + ": a read may not write");
            }
        }
        String unmet = firstUnmetCondition(txn.conditions());
        TxnStatus status = unmet == null ? TxnStatus.OK : TxnStatus.CONDITION_FAILED;
        return new TxnResult(status, unmet == null ? "" : unmet, revision, readsOf(ops));
    }

    private TxnResult failed(TxnStatus status, String detail) {
        return new TxnResult(status, detail, revision, List.of());
    }

    private String firstUnmetCondition(List<Condition> conditions) {
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            String why = whyUnmet(c, get(c.key()));
            if (why != null) {
                return Describe.condition(i, c) + " failed: " + why;
            }
        }
        return null;
    }

    private static String whyUnmet(Condition c, VersionedValue current) {
        return switch (c) {
            case Condition.Absent a -> current == null ? null : "key exists";
            case Condition.Exists e -> current == null ? "key is absent" : null;
            case Condition.ValueEquals v -> {
                if (current == null) {
                    yield "key is absent";
                }
                if (current.value().type() != v.value().type()) {
                    yield "key holds " + current.value().type() + ", expected " + v.value().type();
                }
                yield current.value().equals(v.value()) ? null : "value differs";
            }
            case Condition.VersionEquals v -> {
                if (current == null) {
                    yield "key is absent";
                }
                yield current.version() == v.version() ? null : "version is " + current.version() + ", expected " + v.version();
            }
        };
    }

    /** The results of the reads among {@code ops}, in op order, on the current state. */
    private List<OpResult> readsOf(List<Op> ops) {
        List<OpResult> reads = new ArrayList<>();
        for (Op op : ops) {
            if (op instanceof Op.Get g) {
                reads.add(new OpResult.Read(g.key(), get(g.key())));
            } else if (op instanceof Op.Scan s) {
                reads.add(scan(s));
            }
        }
        return reads;
    }

    /** One planned change of one key; {@code after} is null for a removal. */
    private record Change(String key, VersionedValue before, VersionedValue after) {}

    private TxnResult applyOps(List<Op> ops) {
        // The version a write gets; only used if something changes, and then checked for overflow.
        long next = revision + 1;
        List<OpResult> results = new ArrayList<>(ops.size());
        List<Change> changes = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            switch (op) {
                case Op.Get g -> results.add(new OpResult.Read(g.key(), get(g.key())));
                case Op.Scan s -> results.add(scan(s));
                case Op.Put p -> {
                    VersionedValue now = new VersionedValue(p.value(), next);
                    changes.add(new Change(p.key(), get(p.key()), now));
                    results.add(new OpResult.Written(p.key(), now));
                }
                case Op.Delete d -> {
                    VersionedValue before = get(d.key());
                    if (before != null) {
                        changes.add(new Change(d.key(), before, null));
                    }
                    results.add(new OpResult.Deleted(d.key(), before != null));
                }
                case Op.Increment n -> {
                    VersionedValue before = get(n.key());
                    BigInteger base;
                    if (before == null) {
                        base = BigInteger.ZERO;
                    } else if (before.value() instanceof Value.Int current) {
                        base = current.value();
                    } else {
                        return failed(TxnStatus.TYPE_MISMATCH,
                                Describe.op(i, op) + ": key holds " + before.value().type() + ", not INT");
                    }
                    Value sum = new Value.Int(base.add(n.delta()));
                    String tooBig = TransactionValidator.valueProblem(sum, limits);
                    if (tooBig != null) {
                        return failed(TxnStatus.LIMIT_EXCEEDED, Describe.op(i, op) + ": result " + tooBig);
                    }
                    VersionedValue now = new VersionedValue(sum, next);
                    changes.add(new Change(n.key(), before, now));
                    results.add(new OpResult.Written(n.key(), now));
                }
            }
        }
        if (changes.isEmpty()) {
            return new TxnResult(TxnStatus.OK, "", revision, results);
        }
        String overLimit = cellLimitProblem(changes);
        if (overLimit != null) {
            return failed(TxnStatus.LIMIT_EXCEEDED, overLimit);
        }
        commit(changes, next);
        return new TxnResult(TxnStatus.OK, "", revision, results);
    }

    private String cellLimitProblem(List<Change> changes) {
        if (revision == Long.MAX_VALUE) {
            return "the cell revision is exhausted";
        }
        long keysAfter = size();
        long bytesAfter = bytes;
        for (Change c : changes) {
            if (c.before() != null) {
                keysAfter--;
                bytesAfter -= Sizes.entryBytes(c.key(), c.before().value());
            }
            if (c.after() != null) {
                keysAfter++;
                bytesAfter += Sizes.entryBytes(c.key(), c.after().value());
            }
        }
        if (keysAfter > limits.maxKeysPerCell() && keysAfter > size()) {
            return "the cell would hold " + keysAfter + " keys; the limit is " + limits.maxKeysPerCell();
        }
        if (bytesAfter > limits.maxCellBytes() && bytesAfter > bytes) {
            return "the cell would hold " + bytesAfter + " bytes; the limit is " + limits.maxCellBytes();
        }
        return null;
    }

    private void commit(List<Change> changes, long newRevision) {
        if (data == null) {
            data = new TreeMap<>(KeyOrder.CODE_POINT);
        }
        for (Change c : changes) {
            if (c.before() != null) {
                bytes -= Sizes.entryBytes(c.key(), c.before().value());
            }
            if (c.after() != null) {
                bytes += Sizes.entryBytes(c.key(), c.after().value());
                data.put(c.key(), c.after());
            } else {
                data.remove(c.key());
            }
        }
        if (data.isEmpty()) {
            data = null;
        }
        revision = newRevision;
    }

    /**
     * One page of a scan on the current state: up to {@code pageSize} entries in key order,
     * starting strictly after the page token's key if there is one. The next-page token is set
     * exactly when another matching key exists beyond the page.
     */
    private OpResult.ScanPage scan(Op.Scan scan) {
        if (data == null) {
            return new OpResult.ScanPage(List.of(), null);
        }
        // Validated before we get here, so the token decodes.
        String after = scan.pageToken() == null ? null : PageToken.decode(scan.pageToken()).orElse(null);
        NavigableMap<String, VersionedValue> candidates;
        if (after != null) {
            candidates = data.tailMap(after, false);
        } else if (scan.prefix() != null) {
            candidates = data.tailMap(scan.prefix(), true);
        } else if (scan.startInclusive() != null) {
            candidates = data.tailMap(scan.startInclusive(), true);
        } else {
            candidates = data;
        }
        List<OpResult.Entry> page = new ArrayList<>(Math.min(scan.pageSize(), data.size()));
        for (Map.Entry<String, VersionedValue> e : candidates.entrySet()) {
            if (!inScope(scan, e.getKey())) {
                break;
            }
            if (page.size() == scan.pageSize()) {
                return new OpResult.ScanPage(page, PageToken.encode(page.getLast().key()));
            }
            page.add(new OpResult.Entry(e.getKey(), e.getValue()));
        }
        return new OpResult.ScanPage(page, null);
    }

    /**
     * Whether {@code key}, met while walking forward from the scan's start, still belongs to it.
     * Keys sharing a prefix are contiguous in code point order, so the walk stops at the first
     * key outside.
     */
    private static boolean inScope(Op.Scan scan, String key) {
        if (scan.prefix() != null) {
            return key.startsWith(scan.prefix());
        }
        return scan.endExclusive() == null || KeyOrder.compare(key, scan.endExclusive()) < 0;
    }
}
