package io.physalia.core.kv;

import java.math.BigInteger;

/** One operation of a transaction. All keys are named in the transaction (paper section 2.3). */
public sealed interface Op permits Op.Get, Op.Put, Op.Delete, Op.Increment, Op.Scan {

    record Get(String key) implements Op {}

    record Put(String key, Value value) implements Op {}

    record Delete(String key) implements Op {}

    /** Adds {@code delta} to an integer; an absent key counts as zero. */
    record Increment(String key, BigInteger delta) implements Op {}

    /**
     * A page of keys in unsigned UTF-8 byte order: either all keys with {@code prefix}
     * (when {@code prefix} is non-null), or the range [{@code startInclusive}, {@code endExclusive})
     * where null bounds mean unbounded. {@code pageToken} (null for the first page) continues a
     * previous scan; {@code pageSize} is at most {@link Limits#maxPageSize()}.
     */
    record Scan(String prefix, String startInclusive, String endExclusive, String pageToken, int pageSize)
            implements Op {}

    default boolean isWrite() {
        return this instanceof Put || this instanceof Delete || this instanceof Increment;
    }
}
