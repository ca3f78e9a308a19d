package io.physalia.core.wire;

import io.physalia.core.Utf8;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * Appends primitives in this package's canonical encoding: unsigned LEB128 varints, zigzag for
 * signed numbers, big-endian fixed-width ints, length-prefixed byte strings and UTF-8 strings.
 *
 * <p>A writer made by {@link #sizeCounter()} only counts bytes, so callers can measure an encoding
 * (for example to choose between teaching a log segment or a snapshot) without building it.
 * A writer refuses to grow past its {@code maxBytes}, so an oversized message fails early instead
 * of filling the heap.
 */
public final class ByteWriter {
    private final boolean countOnly;
    private final int maxBytes;
    private byte[] buf;
    private int size;

    public ByteWriter() {
        this(64, Integer.MAX_VALUE - 16);
    }

    public ByteWriter(int initialCapacity, int maxBytes) {
        this(false, initialCapacity, maxBytes);
    }

    private ByteWriter(boolean countOnly, int initialCapacity, int maxBytes) {
        if (initialCapacity < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("capacities must not be negative");
        }
        this.countOnly = countOnly;
        this.maxBytes = maxBytes;
        this.buf = countOnly ? new byte[0] : new byte[Math.min(initialCapacity, maxBytes)];
    }

    /** A writer that keeps no bytes, only their count. */
    public static ByteWriter sizeCounter() {
        return new ByteWriter(true, 0, Integer.MAX_VALUE);
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        if (countOnly) {
            throw new IllegalStateException("a size counter keeps no bytes");
        }
        return Arrays.copyOf(buf, size);
    }

    /** Reserves {@code n} more bytes and returns the position where they start. */
    private int reserve(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative byte count " + n);
        }
        if (n > maxBytes - size) {
            throw new IllegalArgumentException(
                    "encoding needs more than " + maxBytes + " bytes (has " + size + ", adding " + n + ")");
        }
        int at = size;
        size += n;
        if (!countOnly && size > buf.length) {
            long doubled = Math.max(16L, 2L * buf.length);
            buf = Arrays.copyOf(buf, (int) Math.min(Math.max(doubled, size), maxBytes));
        }
        return at;
    }

    public void writeByte(int b) {
        int at = reserve(1);
        if (!countOnly) {
            buf[at] = (byte) b;
        }
    }

    public void writeRaw(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int at = reserve(length);
        if (!countOnly) {
            System.arraycopy(bytes, offset, buf, at, length);
        }
    }

    public void writeZeros(int n) {
        reserve(n); // new and grown buffers are already zero
    }

    /** Four bytes, big-endian. */
    public void writeFixedInt(int v) {
        int at = reserve(4);
        if (!countOnly) {
            putFixedInt(at, v);
        }
    }

    /** Overwrites four bytes written earlier, e.g. a length known only after the body. */
    public void setFixedInt(int position, int v) {
        Objects.checkFromIndexSize(position, 4, size);
        if (!countOnly) {
            putFixedInt(position, v);
        }
    }

    private void putFixedInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /** {@code v} read as an unsigned 64-bit number, 7 bits per byte, least significant first. */
    public void writeVarLong(long v) {
        while ((v & ~0x7FL) != 0) {
            writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        writeByte((int) v);
    }

    /** A length or element count. */
    public void writeLength(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative length " + n);
        }
        writeVarLong(n);
    }

    /** Zigzag then varint, so small negative numbers stay short. */
    public void writeSignedLong(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    public void writeSignedInt(int v) {
        writeSignedLong(v);
    }

    public void writeBoolean(boolean v) {
        writeByte(v ? 1 : 0);
    }

    /** Writes the presence flag of an optional field and returns it, for {@code if (w.writePresence(x != null))}. */
    public boolean writePresence(boolean present) {
        writeBoolean(present);
        return present;
    }

    public void writeByteString(byte[] bytes) {
        writeLength(bytes.length);
        writeRaw(bytes, 0, bytes.length);
    }

    /**
     * Length-prefixed UTF-8. Strings with an unpaired surrogate have no UTF-8 form; they are
     * refused rather than silently replaced, so what is decoded is always what was encoded.
     */
    public void writeString(String s) {
        Objects.requireNonNull(s, "string");
        int unpaired = Utf8.firstUnpairedSurrogate(s);
        if (unpaired >= 0) {
            throw new IllegalArgumentException("string has an unpaired surrogate at index " + unpaired);
        }
        long length = Utf8.encodedLength(s);
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("string too long for UTF-8 encoding");
        }
        int utf8Length = (int) length;
        writeLength(utf8Length);
        int at = reserve(utf8Length);
        if (!countOnly) {
            Utf8.encode(s, buf, at);
        }
    }

    public void writeOptionalString(String s) {
        if (writePresence(s != null)) {
            writeString(s);
        }
    }

    /** Minimal two's complement, big-endian, length-prefixed; at most {@code maxBytes} long. */
    public void writeBigInteger(BigInteger v, int maxBytes) {
        int length = v.bitLength() / 8 + 1;
        if (length > maxBytes) {
            throw new IllegalArgumentException("integer of " + length + " bytes exceeds the limit of " + maxBytes);
        }
        writeLength(length);
        if (countOnly) {
            reserve(length);
        } else {
            byte[] bytes = v.toByteArray();
            writeRaw(bytes, 0, bytes.length);
        }
    }
}
