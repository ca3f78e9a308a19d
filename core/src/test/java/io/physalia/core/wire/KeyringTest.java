package io.physalia.core.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyringTest {

    @Test
    void shortKeysAreRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keyring.of(3, new byte[31]));
        assertTrue(e.getMessage().contains("key id 3 is 31 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Keyring.of(1, null));
    }

    @Test
    void placeholderKeysAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Keyring.of(1, new byte[32]));
        assertTrue(e.getMessage().contains("placeholder"), e.getMessage());
    }

    @Test
    void signingKeyMustBeInTheKeyring() {
        Keyring k = TestKeys.keyring(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.signingWith(2));
        assertTrue(e.getMessage().contains("not in the keyring"), e.getMessage());
    }

    @Test
    void signingKeyCannotBeRemoved() {
        Keyring k = TestKeys.keyring(1).withKey(2, TestKeys.key(2));
        assertThrows(IllegalArgumentException.class, () -> k.withoutKey(1));
        assertEquals(Set.of(2), k.signingWith(2).withoutKey(1).keyIds());
    }

    @Test
    void aKnownIdCannotBeReboundToOtherBytes() {
        Keyring k = TestKeys.keyring(1);
        assertSame(k, k.withKey(1, TestKeys.key(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.withKey(1, TestKeys.key(9)));
        assertTrue(e.getMessage().contains("rotate to a new key id"), e.getMessage());
    }

    @Test
    void keyringsAreImmutableAndCopyTheirKeys() {
        byte[] bytes = TestKeys.key(1);
        Keyring k = Keyring.of(1, bytes);
        Keyring k2 = k.withKey(2, TestKeys.key(2));
        assertEquals(Set.of(1), k.keyIds());
        assertEquals(Set.of(1, 2), k2.keyIds());
        // Changing the caller's array afterwards must not change the key.
        byte[] frame = new WireCodec(k).encode(envelope());
        bytes[0] ^= 1;
        assertInstanceOf(DecodeResult.Ok.class, new WireCodec(k).decode(frame));
    }

    @Test
    void toStringNeverShowsKeyBytes() {
        byte[] key = TestKeys.key(5);
        String s = TestKeys.keyring(5).withKey(6, TestKeys.key(6)).toString();
        assertEquals("Keyring[signing=5, keys=[5, 6]]", s);
        assertFalse(s.toLowerCase().contains(HexFormat.of().formatHex(key, 0, 4)));
    }

    /**
     * Two nodes rotate from key 1 to key 2 in the three documented steps, one node at a time,
     * with frames in flight at every moment; none of those frames is rejected.
     */
    @Test
    void rotationDropsNoValidMessage() {
        WireCodec a = new WireCodec(TestKeys.keyring(1));
        WireCodec b = new WireCodec(TestKeys.keyring(1));
        List<byte[]> inFlight = new ArrayList<>();
        List<Runnable> steps = List.of(
                () -> a.useKeyring(a.keyring().withKey(2, TestKeys.key(2))),
                () -> b.useKeyring(b.keyring().withKey(2, TestKeys.key(2))),
                () -> a.useKeyring(a.keyring().signingWith(2)),
                () -> b.useKeyring(b.keyring().signingWith(2)),
                () -> a.useKeyring(a.keyring().withoutKey(1)),
                () -> b.useKeyring(b.keyring().withoutKey(1)));
        Envelope e = envelope();
        for (Runnable step : steps) {
            // Both send; frames sent before a step arrive after it.
            inFlight.add(a.encode(e));
            inFlight.add(b.encode(e));
            step.run();
            deliverAll(inFlight, a, b, e);
            inFlight.add(a.encode(e));
            inFlight.add(b.encode(e));
            deliverAll(inFlight, a, b, e);
        }
        assertEquals(0, a.rejections().total());
        assertEquals(0, b.rejections().total());
        assertEquals(Set.of(2), a.keyring().keyIds());
        // After rotation a frame signed with the retired key is rejected as UNKNOWN_KEY.
        byte[] old = new WireCodec(TestKeys.keyring(1)).encode(e);
        DecodeResult r = a.decode(old);
        assertEquals(DecodeResult.Reason.UNKNOWN_KEY, assertInstanceOf(DecodeResult.Rejected.class, r).reason());
    }

    /**
     * Removing the old key on one node while the other still signs with it drops frames: the
     * step order matters, and the counters make the mistake visible.
     */
    @Test
    void removingAKeyTooEarlyIsVisibleInCounters() {
        WireCodec a = new WireCodec(TestKeys.keyring(1).withKey(2, TestKeys.key(2)).signingWith(2).withoutKey(1));
        WireCodec b = new WireCodec(TestKeys.keyring(1).withKey(2, TestKeys.key(2)));
        a.decode(b.encode(envelope()));
        assertEquals(1, a.rejections().count(DecodeResult.Reason.UNKNOWN_KEY));
    }

    private static void deliverAll(List<byte[]> inFlight, WireCodec a, WireCodec b, Envelope expected) {
        for (byte[] frame : inFlight) {
            assertEquals(new DecodeResult.Ok(expected), a.decode(frame));
            assertEquals(new DecodeResult.Ok(expected), b.decode(frame));
        }
        inFlight.clear();
    }

    private static Envelope envelope() {
        return new Envelope("cell-1", Member.founding("a"), Member.founding("b"), new Message.TeachRequest(42));
    }
}
