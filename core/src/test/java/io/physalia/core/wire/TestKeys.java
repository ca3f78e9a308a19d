package io.physalia.core.wire;

import java.nio.ByteBuffer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Fixed test keys, and frames sealed independently of the code under test. */
final class TestKeys {
    private TestKeys() {}

    /** A distinct, valid 32-byte key per {@code seed}. */
    static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return k;
    }

    static Keyring keyring(int keyId) {
        return Keyring.of(keyId, key(keyId));
    }

    /**
     * A frame with an arbitrary header and body, signed with {@code key(keyId)}: lets tests reach
     * the body parser with bytes the encoder would never produce.
     */
    static byte[] seal(int type, int keyId, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(FrameLayout.OVERHEAD_BYTES + body.length);
        b.put(FrameLayout.MAGIC_0).put(FrameLayout.MAGIC_1).put((byte) FrameLayout.FORMAT_VERSION).put((byte) type);
        b.putInt(keyId).putLong(0).putLong(0).putInt(body.length).put(body);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(keyId), "HmacSHA256"));
            mac.update(b.array(), 0, b.position());
            b.put(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        return b.array();
    }

    /** The body of an encoded frame. */
    static byte[] bodyOf(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, FrameLayout.HEADER_BYTES, frame.length - FrameLayout.MAC_BYTES);
    }
}
