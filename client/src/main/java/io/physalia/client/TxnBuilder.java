package io.physalia.client;

import io.physalia.core.kv.Condition;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a typed transaction: conditions that must all hold when it applies, then ops that apply
 * together or not at all. Values are typed (arbitrary-precision integers, bytes, booleans);
 * strings are a convenience stored as their UTF-8 bytes.
 *
 * <pre>{@code
 * Transaction t = TxnBuilder.txn().ifAbsent("owner").put("owner", "alice").increment("claims", 1).build();
 * }</pre>
 */
public final class TxnBuilder {
    private final List<Condition> conditions = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();

    private TxnBuilder() {}

    public static TxnBuilder txn() {
        return new TxnBuilder();
    }

    // ---- conditions --------------------------------------------------------------------------

    public TxnBuilder ifExists(String key) {
        conditions.add(new Condition.Exists(key));
        return this;
    }

    public TxnBuilder ifAbsent(String key) {
        conditions.add(new Condition.Absent(key));
        return this;
    }

    /** The key holds exactly this value (same type, same content). */
    public TxnBuilder ifEquals(String key, Value value) {
        conditions.add(new Condition.ValueEquals(key, value));
        return this;
    }

    /** The key was last written at this cell revision (a read's {@code version}): compare-and-set. */
    public TxnBuilder ifVersion(String key, long version) {
        conditions.add(new Condition.VersionEquals(key, version));
        return this;
    }

    // ---- ops ---------------------------------------------------------------------------------

    public TxnBuilder get(String key) {
        ops.add(new Op.Get(key));
        return this;
    }

    public TxnBuilder put(String key, Value value) {
        ops.add(new Op.Put(key, value));
        return this;
    }

    /** Puts {@code text} as its UTF-8 bytes. */
    public TxnBuilder put(String key, String text) {
        return put(key, Value.ofUtf8(text));
    }

    public TxnBuilder put(String key, BigInteger value) {
        return put(key, Value.ofInt(value));
    }

    public TxnBuilder put(String key, long value) {
        return put(key, Value.ofInt(value));
    }

    public TxnBuilder put(String key, boolean value) {
        return put(key, Value.ofBool(value));
    }

    public TxnBuilder put(String key, byte[] value) {
        return put(key, Value.ofBytes(value));
    }

    public TxnBuilder delete(String key) {
        ops.add(new Op.Delete(key));
        return this;
    }

    /** Adds {@code delta} to an integer (an absent key counts as zero). */
    public TxnBuilder increment(String key, BigInteger delta) {
        ops.add(new Op.Increment(key, delta));
        return this;
    }

    public TxnBuilder increment(String key, long delta) {
        return increment(key, BigInteger.valueOf(delta));
    }

    /** One page of the keys with {@code prefix} ({@code pageToken} null for the first page). */
    public TxnBuilder scanPrefix(String prefix, String pageToken, int pageSize) {
        ops.add(new Op.Scan(prefix, null, null, pageToken, pageSize));
        return this;
    }

    /** One page of the keys in [start, end) (a null bound is unbounded). */
    public TxnBuilder scanRange(String startInclusive, String endExclusive, String pageToken, int pageSize) {
        ops.add(new Op.Scan(null, startInclusive, endExclusive, pageToken, pageSize));
        return this;
    }

    /** The transaction; it needs at least one op (the cell checks the rest and names what is wrong). */
    public Transaction build() {
        if (ops.isEmpty()) {
            throw new IllegalStateException("a transaction needs at least one op");
        }
        return new Transaction(conditions, ops);
    }
}
