package io.physalia.core.kv;

import io.physalia.core.Utf8;
/**
 * How many bytes keys and values count for against {@link Limits}. These are encoded sizes,
 * independent of the JVM's object layout, so every replica counts the same.
 */
final class Sizes {
    private Sizes() {}

    static long keyBytes(String key) {
        return Utf8.encodedLength(key);
    }

    /** Bytes: their length; Int: its minimal two's-complement length; Bool: one byte. */
    static long valueBytes(Value value) {
        return switch (value) {
            case Value.Bytes b -> b.length();
            case Value.Int i -> i.value().bitLength() / 8 + 1;
            case Value.Bool ignored -> 1;
        };
    }

    static long entryBytes(String key, Value value) {
        return keyBytes(key) + valueBytes(value);
    }
}
