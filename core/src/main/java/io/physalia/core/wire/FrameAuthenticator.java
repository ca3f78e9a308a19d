package io.physalia.core.wire;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over frames, one initialised {@link Mac} per key of a {@link Keyring}. Not
 * thread-safe: a Mac carries state between update and doFinal.
 */
final class FrameAuthenticator {
    static final String ALGORITHM = "HmacSHA256";
    static final int MAC_BYTES = 32;

    private final Keyring keyring;
    private final Map<Integer, Mac> macs = new HashMap<>();
    private final byte[] computed = new byte[MAC_BYTES];
    private final byte[] received = new byte[MAC_BYTES];

    FrameAuthenticator(Keyring keyring) {
        this.keyring = keyring;
        for (Map.Entry<Integer, byte[]> e : keyring.keysForMac().entrySet()) {
            macs.put(e.getKey(), newMac(e.getValue()));
        }
    }

    private static Mac newMac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide HmacSHA256, so this is a broken runtime.
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("key rejected by " + ALGORITHM, e);
        }
    }

    Keyring keyring() {
        return keyring;
    }

    int signingKeyId() {
        return keyring.signingKeyId();
    }

    boolean knows(int keyId) {
        return macs.containsKey(keyId);
    }

    /** Writes the MAC of {@code data[0, length)} under {@code keyId} into {@code out} at {@code outOffset}. */
    void sign(int keyId, byte[] data, int length, byte[] out, int outOffset) {
        Mac mac = macs.get(keyId);
        mac.update(data, 0, length);
        try {
            mac.doFinal(out, outOffset);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("no room for the MAC at offset " + outOffset, e);
        }
    }

    /**
     * Whether {@code frame[macOffset, macOffset + 32)} is the MAC of {@code frame[0, macOffset)}
     * under {@code keyId}. Compared in constant time, so timing does not reveal how many leading
     * bytes of a forged MAC were right.
     */
    boolean verify(int keyId, byte[] frame, int macOffset) {
        sign(keyId, frame, macOffset, computed, 0);
        System.arraycopy(frame, macOffset, received, 0, MAC_BYTES);
        return MessageDigest.isEqual(computed, received);
    }
}
