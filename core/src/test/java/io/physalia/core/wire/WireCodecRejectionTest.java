package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.wire.DecodeResult.Reason;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class WireCodecRejectionTest {
    private static final int KEY_ID = 7;
    private static final int ACCEPT = 4;
    private static final int PREPARE = 1;

    private final WireCodec codec = new WireCodec(TestKeys.keyring(KEY_ID), 4096);
    private final Set<Reason> produced = EnumSet.noneOf(Reason.class);

    private final Envelope sample = new Envelope("cell-9", Member.founding("n1"), Member.founding("n2"),
            new Message.Prepare(new Ballot(3, Member.founding("n1")), 10, 9));

    private DecodeResult.Rejected expectRejected(Reason reason, byte[] frame) {
        DecodeResult result = codec.decode(frame);
        DecodeResult.Rejected rejected = assertInstanceOf(DecodeResult.Rejected.class, result);
        assertEquals(reason, rejected.reason(), rejected.detail());
        assertFalse(rejected.detail().startsWith(WireCodec.UNEXPECTED_PREFIX), rejected.detail());
        produced.add(reason);
        return rejected;
    }

    private void expectGuardRejected(Reason reason, byte[] frame, SessionGuard guard) {
        DecodeResult.Rejected rejected = assertInstanceOf(DecodeResult.Rejected.class, codec.decode(frame, guard));
        assertEquals(reason, rejected.reason(), rejected.detail());
        produced.add(reason);
    }

    private byte[] valid() {
        return codec.encode(sample);
    }

    private byte[] with(byte[] frame, int index, int value) {
        byte[] copy = frame.clone();
        copy[index] = (byte) value;
        return copy;
    }

    /** A body starting with the sample's envelope fields, then whatever {@code fields} writes. */
    private static byte[] body(Consumer<ByteWriter> fields) {
        ByteWriter w = new ByteWriter();
        w.writeString("cell");
        CellCodec.writeMember(w, Member.founding("a"));
        CellCodec.writeMember(w, Member.founding("b"));
        fields.accept(w);
        return w.toByteArray();
    }

    private static void ballot(ByteWriter w) {
        PaxosCodec.writeBallot(w, new Ballot(1, Member.founding("a")));
    }

    @Test
    void everyReasonIsProducedByACraftedFrame() {
        byte[] ok = valid();
        expectRejected(Reason.TOO_LARGE, new byte[4097]);
        byte[] hugeDeclared = ok.clone();
        Arrays.fill(hugeDeclared, FrameLayout.BODY_LENGTH_OFFSET, FrameLayout.BODY_LENGTH_OFFSET + 4, (byte) 0xFF);
        expectRejected(Reason.TOO_LARGE, hugeDeclared);
        expectRejected(Reason.TRUNCATED, new byte[0]);
        expectRejected(Reason.TRUNCATED, Arrays.copyOf(ok, FrameLayout.HEADER_BYTES - 1));
        expectRejected(Reason.TRUNCATED, Arrays.copyOf(ok, ok.length - 1));
        expectRejected(Reason.TRUNCATED, null);
        expectRejected(Reason.BAD_MAGIC, with(ok, 0, 'G'));
        expectRejected(Reason.BAD_MAGIC, "GET /metrics HTTP/1.1\r\nHost: n1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        expectRejected(Reason.UNKNOWN_VERSION, with(ok, 2, 1)); // version 1 had no session or sequence
        expectRejected(Reason.UNKNOWN_VERSION, with(ok, 2, 3));
        expectRejected(Reason.UNKNOWN_VERSION, with(ok, 2, 0));
        expectRejected(Reason.UNKNOWN_TYPE, with(ok, FrameLayout.TYPE_OFFSET, 0));
        expectRejected(Reason.UNKNOWN_TYPE, with(ok, FrameLayout.TYPE_OFFSET, 11));
        expectRejected(Reason.UNKNOWN_KEY, with(ok, FrameLayout.KEY_ID_OFFSET + 3, KEY_ID + 1));
        expectRejected(Reason.TRAILING_BYTES, Arrays.copyOf(ok, ok.length + 1));
        expectRejected(Reason.BAD_HMAC, with(ok, FrameLayout.HEADER_BYTES, ok[FrameLayout.HEADER_BYTES] ^ 1));
        expectRejected(Reason.BAD_HMAC, with(ok, ok.length - 1, ok[ok.length - 1] ^ 0x80));
        // Authentic MAC, but the type byte says PROMISE while the body is a Prepare's.
        expectRejected(Reason.MALFORMED, TestKeys.seal(2, KEY_ID, TestKeys.bodyOf(ok)));
        SessionGuard guard = new SessionGuard(42);
        byte[] first = codec.encode(sample, 42, 1);
        assertInstanceOf(DecodeResult.Ok.class, codec.decode(first, guard));
        expectGuardRejected(Reason.REPLAYED, first, guard);
        expectGuardRejected(Reason.WRONG_SESSION, codec.encode(sample, 41, 2), guard);
        assertEquals(EnumSet.allOf(Reason.class), produced);
    }

    @Test
    void countersTrackEveryRejectionByReason() {
        byte[] ok = valid();
        codec.decode(ok);
        codec.decode(new byte[3]);
        codec.decode(new byte[3]);
        codec.decode(with(ok, 0, 0));
        RejectCounters counters = codec.rejections();
        assertEquals(2, counters.count(Reason.TRUNCATED));
        assertEquals(1, counters.count(Reason.BAD_MAGIC));
        assertEquals(3, counters.total());
        assertEquals(Reason.values().length, counters.snapshot().size());
        assertEquals(0L, counters.snapshot().get(Reason.BAD_HMAC));
    }

    @Test
    void unknownTagsInsideAnAuthenticBodyAreMalformedNeverSkipped() {
        // Accept: ballot, slot, batch of one command with an unknown tag, leaseMillis, chosenUpTo.
        byte[] unknownCommand = body(w -> {
            ballot(w);
            w.writeSignedLong(1);
            w.writeLength(1);
            w.writeByte(42);
            w.writeString("client");
            w.writeSignedLong(1);
            w.writeSignedLong(0);
            w.writeSignedLong(0);
        });
        assertTrue(expectRejected(Reason.MALFORMED, TestKeys.seal(ACCEPT, KEY_ID, unknownCommand)).detail()
                .contains("unknown command tag 42"));

        byte[] unknownOp = body(w -> {
            ballot(w);
            w.writeSignedLong(1);
            w.writeLength(1);
            w.writeByte(1); // ClientTxn
            w.writeString("client");
            w.writeSignedLong(1);
            w.writeLength(0); // no conditions
            w.writeLength(1);
            w.writeByte(99); // op tag
            w.writeSignedLong(0);
            w.writeSignedLong(0);
        });
        assertTrue(expectRejected(Reason.MALFORMED, TestKeys.seal(ACCEPT, KEY_ID, unknownOp)).detail()
                .contains("unknown op tag 99"));

        byte[] unknownCondition = body(w -> {
            ballot(w);
            w.writeSignedLong(1);
            w.writeLength(1);
            w.writeByte(1);
            w.writeString("client");
            w.writeSignedLong(1);
            w.writeLength(1);
            w.writeByte(0); // condition tag 0 is reserved
            w.writeString("k");
        });
        assertTrue(expectRejected(Reason.MALFORMED, TestKeys.seal(ACCEPT, KEY_ID, unknownCondition)).detail()
                .contains("unknown condition tag 0"));

        byte[] unknownValue = body(w -> {
            ballot(w);
            w.writeSignedLong(1);
            w.writeLength(1);
            w.writeByte(1);
            w.writeString("client");
            w.writeSignedLong(1);
            w.writeLength(0);
            w.writeLength(1);
            w.writeByte(2); // Put
            w.writeString("k");
            w.writeByte(4); // value tag: no such type (floats do not exist)
        });
        assertTrue(expectRejected(Reason.MALFORMED, TestKeys.seal(ACCEPT, KEY_ID, unknownValue)).detail()
                .contains("unknown value tag 4"));
    }

    @Test
    void leftoverBytesInsideTheBodyAreMalformed() {
        byte[] body = TestKeys.bodyOf(valid());
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertTrue(expectRejected(Reason.MALFORMED, TestKeys.seal(PREPARE, KEY_ID, longer)).detail().contains("unread"));
        byte[] shorter = Arrays.copyOf(body, body.length - 1);
        expectRejected(Reason.MALFORMED, TestKeys.seal(PREPARE, KEY_ID, shorter));
    }

    @Test
    void invalidRecordsAreMalformed() {
        // TeachSnapshot whose single epoch has an empty configuration: the constructor refuses it.
        byte[] emptyConfiguration = body(w -> {
            w.writeString("cell");
            w.writeSignedLong(0);
            w.writeSignedLong(0);
            w.writeLength(0);
            w.writeLength(0);
            w.writeSignedLong(0); // last lease token
            w.writeLength(0);
            w.writeLength(1);
            w.writeSignedLong(0);
            w.writeLength(0); // no members
            w.writeSignedLong(0);
        });
        assertTrue(expectRejected(Reason.MALFORMED, TestKeys.seal(9, KEY_ID, emptyConfiguration)).detail()
                .contains("invalid value"));

        // Duplicate members would be refused by Configuration; unsorted ones would be silently
        // reordered and re-encode differently. Both are malformed.
        for (String[] names : new String[][] {{"a", "a"}, {"b", "a"}}) {
            byte[] config = body(w -> {
                w.writeString("cell");
                w.writeSignedLong(0);
                w.writeSignedLong(0);
                w.writeLength(0);
                w.writeLength(0);
                w.writeSignedLong(0); // last lease token
                w.writeLength(0);
                w.writeLength(1);
                w.writeSignedLong(0);
                w.writeLength(2);
                CellCodec.writeMember(w, Member.founding(names[0]));
                CellCodec.writeMember(w, Member.founding(names[1]));
                w.writeSignedLong(0);
            });
            assertTrue(expectRejected(Reason.MALFORMED, TestKeys.seal(9, KEY_ID, config)).detail()
                    .contains("ascending"));
        }
    }

    @Test
    void nonCanonicalEncodingsInsideTheBodyAreMalformed() {
        // TeachRequest with chosenUpTo 0 written as an overlong varint.
        byte[] overlong = body(w -> {
            w.writeByte(0x80);
            w.writeByte(0x00);
        });
        expectRejected(Reason.MALFORMED, TestKeys.seal(7, KEY_ID, overlong));
        // A session's Membership result whose 'applied' boolean is 2, inside a TeachSnapshot.
        byte[] badBoolean = body(w -> {
            w.writeString("cell");
            w.writeSignedLong(0);
            w.writeSignedLong(0);
            w.writeLength(0);
            w.writeLength(0);
            w.writeLength(1);
            w.writeString("client");
            w.writeSignedLong(1);
            w.writeSignedLong(1);
            w.writeByte(3); // Membership result
            w.writeByte(2); // applied: not a boolean
        });
        expectRejected(Reason.MALFORMED, TestKeys.seal(9, KEY_ID, badBoolean));
    }

    @Test
    void everySingleBitFlipOfAValidFrameIsRejected() {
        Arbitrary any = new Arbitrary(99);
        WireCodec big = new WireCodec(TestKeys.keyring(KEY_ID));
        for (int kind = 0; kind < Arbitrary.MESSAGE_KINDS; kind++) {
            byte[] frame = big.encode(any.envelope(any.message(kind)));
            for (int bit = 0; bit < frame.length * 8; bit++) {
                byte[] flipped = frame.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                DecodeResult r = big.decode(flipped);
                assertInstanceOf(DecodeResult.Rejected.class, r, "flip of bit " + bit + " of a " + kind + " frame");
            }
        }
        assertEquals(0, big.rejections().count(Reason.MALFORMED), "no flipped frame may get past the MAC");
    }

    @Test
    void decodeNeverThrowsOnRandomBytesOrRandomAuthenticBodies() {
        java.util.Random random = new java.util.Random(5);
        WireCodec big = new WireCodec(TestKeys.keyring(KEY_ID));
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(200)];
            random.nextBytes(junk);
            assertInstanceOf(DecodeResult.Rejected.class, big.decode(junk));
            DecodeResult r = big.decode(TestKeys.seal(1 + random.nextInt(9), KEY_ID, junk));
            if (r instanceof DecodeResult.Rejected rejected) {
                assertEquals(Reason.MALFORMED, rejected.reason());
                assertFalse(rejected.detail().startsWith(WireCodec.UNEXPECTED_PREFIX), rejected.detail());
            }
        }
    }
}
