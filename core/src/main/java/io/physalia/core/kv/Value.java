package io.physalia.core.kv;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A dynamically typed cell value: bytes, an arbitrary-precision integer or a boolean. There are
 * no floats and no limited-precision integers, so every replica computes identical results
 * (paper section 2.3). Strings are a client convenience stored as UTF-8 bytes.
 */
public sealed interface Value permits Value.Bytes, Value.Int, Value.Bool {

    /** The type tag, also used on the wire and in error messages. */
    Type type();

    enum Type { BYTES, INT, BOOL }

    static Value ofBytes(byte[] bytes) {
        return new Bytes(bytes);
    }

    static Value ofUtf8(String s) {
        return new Bytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static Value ofInt(long v) {
        return new Int(BigInteger.valueOf(v));
    }

    static Value ofInt(BigInteger v) {
        return new Int(v);
    }

    static Value ofBool(boolean v) {
        return new Bool(v);
    }

    /** Immutable bytes: the array is copied in and out. */
    final class Bytes implements Value {
        private final byte[] bytes;

        public Bytes(byte[] bytes) {
            this.bytes = Objects.requireNonNull(bytes, "bytes").clone();
        }

        public byte[] toArray() {
            return bytes.clone();
        }

        public int length() {
            return bytes.length;
        }

        /** The byte at {@code i}, without copying the array. */
        public byte at(int i) {
            return bytes[i];
        }

        @Override
        public Type type() {
            return Type.BYTES;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "bytes:" + (bytes.length <= 32 ? HexFormat.of().formatHex(bytes) : bytes.length + "B");
        }
    }

    record Int(BigInteger value) implements Value {
        public Int {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public Type type() {
            return Type.INT;
        }

        @Override
        public String toString() {
            return "int:" + value;
        }
    }

    record Bool(boolean value) implements Value {
        @Override
        public Type type() {
            return Type.BOOL;
        }

        @Override
        public String toString() {
            return "bool:" + value;
        }
    }
}
