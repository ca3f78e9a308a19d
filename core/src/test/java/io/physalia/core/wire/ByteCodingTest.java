package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteCodingTest {

    private static ByteReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new ByteReader(b);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 127, 128, 16383, 16384, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 62, -(1L << 62)})
    void signedLongsRoundTrip(long v) {
        ByteWriter w = new ByteWriter();
        w.writeSignedLong(v);
        ByteReader r = new ByteReader(w.toByteArray());
        assertEquals(v, r.readSignedLong());
        r.expectEnd();
    }

    @Test
    void varintsUseTheShortestForm() {
        ByteWriter w = new ByteWriter();
        w.writeVarLong(300);
        assertArrayEquals(new byte[] {(byte) 0xAC, 0x02}, w.toByteArray());
        ByteWriter max = new ByteWriter();
        max.writeVarLong(-1L);
        assertEquals(10, max.size());
    }

    @Test
    void overlongVarintsAreRefused() {
        assertThrows(WireFormatException.class, () -> reader(0x80, 0x00).readVarLong());
        assertThrows(WireFormatException.class, () -> reader(0x81, 0x80, 0x00).readVarLong());
        assertEquals(0, reader(0x00).readVarLong());
        assertEquals(129, reader(0x81, 0x01).readVarLong());
    }

    @Test
    void varintsBeyondSixtyFourBitsAreRefused() {
        // 10th byte may only carry bit 63.
        assertThrows(WireFormatException.class,
                () -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02).readVarLong());
        assertThrows(WireFormatException.class,
                () -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00).readVarLong());
        assertEquals(-1L, reader(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01).readVarLong());
    }

    @Test
    void truncatedVarintIsRefused() {
        assertThrows(WireFormatException.class, () -> reader(0x80).readVarLong());
        assertThrows(WireFormatException.class, () -> reader().readByte());
    }

    @Test
    void booleansAreExactlyZeroOrOne() {
        assertFalse(reader(0).readBoolean());
        assertTrue(reader(1).readBoolean());
        assertThrows(WireFormatException.class, () -> reader(2).readBoolean());
        assertThrows(WireFormatException.class, () -> reader(0xFF).readBoolean());
    }

    @Test
    void lengthsAndCountsAreBoundedByRemainingBytesBeforeAllocating() {
        // A length of 2^31-1 with two bytes behind it must fail without allocating 2 GiB.
        assertThrows(WireFormatException.class, () -> reader(0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2).readByteString());
        assertThrows(WireFormatException.class, () -> reader(3, 'a', 'b').readString());
        assertThrows(WireFormatException.class, () -> reader(3, 1, 1).readCount());
        assertEquals(2, reader(2, 1, 1).readCount());
        // Lengths with bit 63 set are negative as longs; they must not slip past the check.
        assertThrows(WireFormatException.class,
                () -> reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).readLength());
    }

    @Test
    void signedIntsOutsideIntRangeAreRefused() {
        ByteWriter w = new ByteWriter();
        w.writeSignedLong(1L + Integer.MAX_VALUE);
        assertThrows(WireFormatException.class, () -> new ByteReader(w.toByteArray()).readSignedInt());
    }

    @Test
    void stringsRoundTripIncludingSupplementaryCharacters() {
        String s = "a\u00e9\u65e5\uD83D\uDE00\u0000";
        ByteWriter w = new ByteWriter();
        w.writeString(s);
        w.writeOptionalString(null);
        w.writeOptionalString("");
        ByteReader r = new ByteReader(w.toByteArray());
        assertEquals(s, r.readString());
        assertNull(r.readOptionalString());
        assertEquals("", r.readOptionalString());
        r.expectEnd();
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOfRange(w.toByteArray(), 1, 1 + s.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void stringsWithUnpairedSurrogatesCannotBeEncoded() {
        ByteWriter w = new ByteWriter();
        assertThrows(IllegalArgumentException.class, () -> w.writeString("a\uD800"));
        assertThrows(IllegalArgumentException.class, () -> w.writeString("\uDC00b"));
        assertThrows(IllegalArgumentException.class, () -> w.writeString("\uD800\uD800"));
    }

    @Test
    void invalidUtf8IsRefused() {
        assertThrows(WireFormatException.class, () -> reader(2, 0xC0, 0x80).readString()); // overlong NUL
        assertThrows(WireFormatException.class, () -> reader(3, 0xE0, 0x80, 0x80).readString()); // overlong
        assertThrows(WireFormatException.class, () -> reader(3, 0xED, 0xA0, 0x80).readString()); // surrogate
        assertThrows(WireFormatException.class, () -> reader(4, 0xF4, 0x90, 0x80, 0x80).readString()); // > U+10FFFF
        assertThrows(WireFormatException.class, () -> reader(2, 0xE2, 0x82).readString()); // cut sequence
        assertThrows(WireFormatException.class, () -> reader(1, 0xFF).readString());
    }

    @Test
    void anyAcceptedUtf8ReencodesToTheSameBytes() {
        Random random = new Random(7);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] raw = new byte[1 + random.nextInt(6)];
            random.nextBytes(raw);
            if (random.nextBoolean()) {
                raw[0] = (byte) (0xC0 | (raw[0] & 0x3F)); // bias towards multi-byte lead bytes
            }
            ByteWriter framed = new ByteWriter();
            framed.writeByteString(raw);
            String s;
            try {
                s = new ByteReader(framed.toByteArray()).readString();
            } catch (WireFormatException e) {
                continue;
            }
            accepted++;
            ByteWriter again = new ByteWriter();
            again.writeString(s);
            assertArrayEquals(framed.toByteArray(), again.toByteArray());
        }
        assertTrue(accepted > 100, "too few valid samples: " + accepted);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, -1, 127, 128, -128, -129, 255, 256, Long.MAX_VALUE, Long.MIN_VALUE})
    void bigIntegersRoundTripMinimally(long v) {
        BigInteger big = BigInteger.valueOf(v);
        ByteWriter w = new ByteWriter();
        w.writeBigInteger(big, 16);
        assertEquals(1 + big.toByteArray().length, w.size());
        ByteReader r = new ByteReader(w.toByteArray());
        assertEquals(big, r.readBigInteger(16));
        r.expectEnd();
    }

    @Test
    void paddedOrEmptyOrOversizedBigIntegersAreRefused() {
        assertThrows(WireFormatException.class, () -> reader(2, 0x00, 0x01).readBigInteger(8)); // +1 padded
        assertThrows(WireFormatException.class, () -> reader(2, 0xFF, 0xFF).readBigInteger(8)); // -1 padded
        assertThrows(WireFormatException.class, () -> reader(0).readBigInteger(8));
        assertThrows(WireFormatException.class, () -> reader(3, 1, 2, 3).readBigInteger(2));
        assertEquals(BigInteger.valueOf(128), reader(2, 0x00, 0x80).readBigInteger(8));
        assertEquals(BigInteger.valueOf(-129), reader(2, 0xFF, 0x7F).readBigInteger(8));
        ByteWriter w = new ByteWriter();
        assertThrows(IllegalArgumentException.class, () -> w.writeBigInteger(BigInteger.ONE.shiftLeft(64), 8));
    }

    @Test
    void sizeCounterAgreesWithTheRealWriter() {
        ByteWriter real = new ByteWriter();
        ByteWriter counter = ByteWriter.sizeCounter();
        for (ByteWriter w : new ByteWriter[] {real, counter}) {
            w.writeString("h\u00e9llo \uD83D\uDE00");
            w.writeBigInteger(BigInteger.TEN.pow(50).negate(), 64);
            w.writeSignedLong(Long.MIN_VALUE);
            w.writeByteString(new byte[17]);
            w.writeFixedInt(5);
            w.writeOptionalString(null);
        }
        assertEquals(real.size(), counter.size());
        assertEquals(real.toByteArray().length, counter.size());
        assertThrows(IllegalStateException.class, counter::toByteArray);
    }

    @Test
    void writerRefusesToGrowPastItsLimit() {
        ByteWriter w = new ByteWriter(4, 10);
        w.writeRaw(new byte[10], 0, 10);
        assertThrows(IllegalArgumentException.class, () -> w.writeByte(1));
        assertEquals(10, w.size());
    }

    @Test
    void expectEndReportsLeftoverBytes() {
        ByteReader r = reader(1, 2);
        r.readByte();
        assertThrows(WireFormatException.class, r::expectEnd);
    }
}
