package io.physalia.core.kv;

import java.math.BigInteger;
import java.util.List;

/** Terse builders for tests. */
final class Txns {
    private Txns() {}

    static Transaction ops(Op... ops) {
        return new Transaction(List.of(), List.of(ops));
    }

    static Transaction when(List<Condition> conditions, Op... ops) {
        return new Transaction(conditions, List.of(ops));
    }

    static Op.Put put(String key, long value) {
        return new Op.Put(key, Value.ofInt(value));
    }

    static Op.Put put(String key, String utf8) {
        return new Op.Put(key, Value.ofUtf8(utf8));
    }

    static Op.Get get(String key) {
        return new Op.Get(key);
    }

    static Op.Delete delete(String key) {
        return new Op.Delete(key);
    }

    static Op.Increment increment(String key, long delta) {
        return new Op.Increment(key, BigInteger.valueOf(delta));
    }

    static Op.Scan prefix(String prefix, int pageSize) {
        return new Op.Scan(prefix, null, null, null, pageSize);
    }

    static Op.Scan range(String start, String end, int pageSize) {
        return new Op.Scan(null, start, end, null, pageSize);
    }

    static Op.Scan continuing(Op.Scan scan, String token) {
        return new Op.Scan(scan.prefix(), scan.startInclusive(), scan.endExclusive(), token, scan.pageSize());
    }

    static List<String> keys(OpResult result) {
        return ((OpResult.ScanPage) result).entries().stream().map(OpResult.Entry::key).toList();
    }
}
