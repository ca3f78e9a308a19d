package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.wire.DecodeResult.Reason;
import org.junit.jupiter.api.Test;

/** Sessions and sequence numbers: what makes a replayed frame detectable on a stream connection. */
class SessionGuardTest {
    private final WireCodec codec = new WireCodec(TestKeys.keyring(3));
    private final Envelope env = new Envelope("c", Member.founding("a"), Member.founding("b"), new Message.TeachRequest(5));
    private static final long SESSION = 0x1234_5678_9abc_def0L;

    private Reason rejected(DecodeResult r) {
        return assertInstanceOf(DecodeResult.Rejected.class, r).reason();
    }

    @Test
    void sessionAndSequenceAreInTheHeaderAndRoundTrip() {
        byte[] frame = codec.encode(env, SESSION, 77);
        assertEquals(SESSION, FrameLayout.session(frame, 0));
        assertEquals(77, FrameLayout.sequence(frame, 0));
        DecodeResult.Ok ok = assertInstanceOf(DecodeResult.Ok.class, codec.decode(frame, new SessionGuard(SESSION)));
        assertEquals(env, ok.envelope());
        assertArrayEquals(frame, codec.encode(ok.envelope(), SESSION, 77), "canonical under the same session and sequence");
    }

    @Test
    void increasingSequencesPassWithGapsAndReplaysAreRejectedAndCounted() {
        SessionGuard guard = new SessionGuard(SESSION);
        byte[] one = codec.encode(env, SESSION, 1);
        byte[] five = codec.encode(env, SESSION, 5);
        assertInstanceOf(DecodeResult.Ok.class, codec.decode(one, guard));
        assertInstanceOf(DecodeResult.Ok.class, codec.decode(five, guard), "a gap (frames the sender dropped) is fine");
        assertEquals(5, guard.lastSequence());
        assertEquals(Reason.REPLAYED, rejected(codec.decode(five, guard)));
        assertEquals(Reason.REPLAYED, rejected(codec.decode(one, guard)), "an older frame, late or replayed");
        assertEquals(Reason.REPLAYED, rejected(codec.decode(codec.encode(env, SESSION, 0), guard)));
        assertEquals(5, guard.lastSequence(), "a rejected frame never moves the guard");
        assertInstanceOf(DecodeResult.Ok.class, codec.decode(codec.encode(env, SESSION, 6), guard));
        assertEquals(3, codec.rejections().count(Reason.REPLAYED));
    }

    @Test
    void framesOfAnotherSessionAreRejected() {
        SessionGuard fresh = new SessionGuard(SESSION + 1);
        byte[] recorded = codec.encode(env, SESSION, 1);
        assertEquals(Reason.WRONG_SESSION, rejected(codec.decode(recorded, fresh)), "replayed onto a new connection");
        assertEquals(Reason.WRONG_SESSION, rejected(codec.decode(codec.encode(env), fresh)), "unsequenced frame");
        assertEquals(0, fresh.lastSequence());
        assertEquals(2, codec.rejections().count(Reason.WRONG_SESSION));
    }

    @Test
    void sessionAndSequenceCannotBeEditedUnderTheMac() {
        SessionGuard guard = new SessionGuard(SESSION);
        byte[] frame = codec.encode(env, SESSION, 1);
        for (int offset : new int[] {FrameLayout.SESSION_OFFSET, FrameLayout.SEQUENCE_OFFSET + 7}) {
            byte[] edited = frame.clone();
            edited[offset] ^= 1;
            assertEquals(Reason.BAD_HMAC, rejected(codec.decode(edited, guard)));
        }
        assertEquals(0, guard.lastSequence(), "a forged frame never moves the guard");
    }

    @Test
    void pingsAreFramesWithTheSameProtection() {
        SessionGuard guard = new SessionGuard(SESSION);
        PeerPing ping = new PeerPing(new NodeId("n1"), "127.0.0.1:7401");
        byte[] frame = codec.encodePing(ping, SESSION, 1);
        DecodeResult.Ping got = assertInstanceOf(DecodeResult.Ping.class, codec.decode(frame, guard));
        assertEquals(ping, got.ping());
        assertEquals(Reason.REPLAYED, rejected(codec.decode(frame, guard)));
        byte[] flipped = frame.clone();
        flipped[FrameLayout.HEADER_BYTES + 1] ^= 4;
        assertEquals(Reason.BAD_HMAC, rejected(codec.decode(flipped, guard)));
        byte[] otherKey = new WireCodec(TestKeys.keyring(4)).encodePing(ping, SESSION, 2);
        assertEquals(Reason.UNKNOWN_KEY, rejected(codec.decode(otherKey, guard)));
    }

    @Test
    void sessionZeroIsReserved() {
        assertThrows(IllegalArgumentException.class, () -> new SessionGuard(0));
    }
}
