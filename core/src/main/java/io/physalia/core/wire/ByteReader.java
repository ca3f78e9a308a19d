package io.physalia.core.wire;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads what {@link ByteWriter} writes, from untrusted bytes. Every length is checked against the
 * bytes that remain before anything is allocated, and every element count is bounded by them
 * (each element takes at least one byte), so a forged length cannot make the reader allocate
 * more than the input holds. Non-canonical forms (overlong varints, booleans other than 0 and 1,
 * padded integers, invalid UTF-8) are refused, so a decoded value re-encodes to the same bytes.
 * Every failure is a {@link WireFormatException}.
 */
public final class ByteReader {
    private static final int MAX_VARINT_BYTES = 10;

    private final byte[] buf;
    private final int limit;
    private int pos;
    private CharsetDecoder utf8;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.length);
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return limit - pos;
    }

    /** Fails unless every byte has been read. */
    public void expectEnd() {
        if (pos != limit) {
            throw new WireFormatException(remaining() + " unread bytes after the value");
        }
    }

    private void require(long n, String what) {
        if (n > remaining()) {
            throw new WireFormatException(what + " needs " + n + " bytes but only " + remaining() + " remain");
        }
    }

    /** One byte, as 0..255. */
    public int readByte() {
        require(1, "a byte");
        return buf[pos++] & 0xFF;
    }

    public int readFixedInt() {
        require(4, "a fixed int");
        int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    /** An unsigned 64-bit varint in its shortest form. */
    public long readVarLong() {
        long v = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            int b = readByte();
            if (i == MAX_VARINT_BYTES - 1 && b > 1) {
                throw new WireFormatException("varint overflows 64 bits");
            }
            v |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new WireFormatException("overlong varint");
                }
                return v;
            }
        }
        throw new WireFormatException("varint longer than " + MAX_VARINT_BYTES + " bytes");
    }

    /** A byte length; it must fit in what remains. */
    public int readLength() {
        long n = readVarLong();
        if (n < 0 || n > remaining()) {
            throw new WireFormatException("length " + Long.toUnsignedString(n) + " exceeds the " + remaining() + " bytes left");
        }
        return (int) n;
    }

    /** An element count; every element takes at least one byte, so it is bounded by what remains. */
    public int readCount() {
        long n = readVarLong();
        if (n < 0 || n > remaining()) {
            throw new WireFormatException("count " + Long.toUnsignedString(n) + " exceeds the " + remaining() + " bytes left");
        }
        return (int) n;
    }

    public long readSignedLong() {
        long z = readVarLong();
        return (z >>> 1) ^ -(z & 1);
    }

    public int readSignedInt() {
        long v = readSignedLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new WireFormatException("value " + v + " does not fit an int");
        }
        return (int) v;
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw new WireFormatException("boolean byte " + b + " is neither 0 nor 1");
        }
        return b == 1;
    }

    /** The presence flag of an optional field. */
    public boolean readPresence() {
        return readBoolean();
    }

    public byte[] readByteString() {
        int n = readLength();
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** Strict UTF-8: overlong forms, encoded surrogates and truncated sequences are refused. */
    public String readString() {
        int n = readLength();
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        try {
            String s = utf8.reset().decode(ByteBuffer.wrap(buf, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw new WireFormatException("string is not valid UTF-8");
        }
    }

    public String readOptionalString() {
        return readPresence() ? readString() : null;
    }

    /** Minimal big-endian two's complement of 1..maxBytes bytes. */
    public BigInteger readBigInteger(int maxBytes) {
        int n = readLength();
        if (n == 0 || n > maxBytes) {
            throw new WireFormatException("integer length " + n + " outside 1.." + maxBytes);
        }
        if (n > 1) {
            int first = buf[pos];
            boolean secondNegative = buf[pos + 1] < 0;
            if ((first == 0 && !secondNegative) || (first == -1 && secondNegative)) {
                throw new WireFormatException("integer has a redundant sign byte");
            }
        }
        BigInteger v = new BigInteger(buf, pos, n);
        pos += n;
        return v;
    }
}
