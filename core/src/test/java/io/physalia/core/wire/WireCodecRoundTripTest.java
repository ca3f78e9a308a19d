package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.Member;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WireCodecRoundTripTest {
    private final WireCodec codec = new WireCodec(TestKeys.keyring(7));

    private Envelope decodeOk(byte[] frame) {
        return assertInstanceOf(DecodeResult.Ok.class, codec.decode(frame), () -> codec.decode(frame).toString())
                .envelope();
    }

    @Test
    void everyMessageTypeRoundTripsCanonically() {
        Arbitrary any = new Arbitrary(20240601L);
        Set<Class<?>> seen = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            Envelope e = any.envelope(any.message(i % Arbitrary.MESSAGE_KINDS));
            byte[] frame = codec.encode(e);
            Envelope back = decodeOk(frame);
            assertEquals(e, back);
            assertArrayEquals(frame, codec.encode(back), "re-encoding a decoded frame must give the same bytes");
            assertEquals(frame.length, codec.frameSize(e));
            seen.add(e.message().getClass());
        }
        assertEquals(Arbitrary.MESSAGE_KINDS, seen.size());
        assertEquals(0, codec.rejections().total());
    }

    @Test
    void frameHeaderFollowsTheDocumentedLayout() {
        Envelope e = new Envelope("c", Member.founding("a"), Member.founding("b"), new Message.TeachRequest(5));
        byte[] frame = codec.encode(e);
        assertEquals(0x50, frame[0]);
        assertEquals(0x68, frame[1]);
        assertEquals(2, frame[2]);
        assertEquals(0, FrameLayout.session(frame, 0), "not sequenced");
        assertEquals(0, FrameLayout.sequence(frame, 0));
        assertEquals(7, frame[FrameLayout.TYPE_OFFSET]); // TEACH_REQUEST
        assertEquals(7, FrameLayout.readInt(frame, FrameLayout.KEY_ID_OFFSET));
        assertEquals(frame.length, FrameLayout.frameBytes(frame, 0));
        // body: "c" (2) + a#0 (3) + b#0 (3) + chosenUpTo 5 as zigzag (1)
        assertEquals(9, FrameLayout.readInt(frame, FrameLayout.BODY_LENGTH_OFFSET));
        assertEquals(FrameLayout.OVERHEAD_BYTES + 9, frame.length);
    }

    @Test
    void replayedFrameDecodesToTheIdenticalEnvelope() {
        // No nonce or clock in a frame: replays are the protocol's to tolerate (ballots, slots).
        Envelope e = new Arbitrary(3).envelope();
        byte[] frame = codec.encode(e);
        assertEquals(e, decodeOk(frame));
        assertEquals(e, decodeOk(frame.clone()));
        assertEquals(e, decodeOk(frame));
    }

    @Test
    void encodingIsDeterministic() {
        Envelope e = new Arbitrary(11).envelope(new Arbitrary(12).message(8));
        assertArrayEquals(codec.encode(e), new WireCodec(TestKeys.keyring(7)).encode(e));
    }

    @Test
    void framesLargerThanTheLimitAreNotEncoded() {
        WireCodec small = new WireCodec(TestKeys.keyring(7), 2048);
        byte[] big = new byte[4096];
        Command put = new Command.ClientTxn("c", 1,
                new Transaction(List.of(), List.of(new Op.Put("k", Value.ofBytes(big)))));
        Envelope e = new Envelope("cell", Member.founding("a"), Member.founding("b"),
                new Message.Accept(new io.physalia.core.paxos.Ballot(1, Member.founding("a")), 1, new Batch(List.of(put)), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> small.encode(e));
        assertTrue(small.frameSize(e) > 4096);
        assertEquals(e, decodeOk(codec.encode(e)));
    }

    @Test
    void valuesWithoutAnEncodingAreRefusedAtEncodeTime() {
        Envelope unpaired = new Envelope("bad\uD800", Member.founding("a"), Member.founding("b"), new Message.TeachRequest(0));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(unpaired));
        Command huge = new Command.ClientTxn("c", 1, new Transaction(List.of(),
                List.of(new Op.Increment("k", BigInteger.ONE.shiftLeft(8 * ValueCodecs.MAX_INTEGER_BYTES)))));
        Envelope e = new Envelope("c", Member.founding("a"), Member.founding("b"),
                new Message.TeachLog(0, List.of(new Batch(List.of(huge))), 1));
        assertThrows(IllegalArgumentException.class, () -> codec.encode(e));
    }

    @Test
    void maxFrameSizeMustLeaveRoomForAMessage() {
        assertThrows(IllegalArgumentException.class, () -> new WireCodec(TestKeys.keyring(1), 100));
        assertEquals(WireCodec.DEFAULT_MAX_FRAME_BYTES, new WireCodec(TestKeys.keyring(1)).maxFrameBytes());
    }
}
