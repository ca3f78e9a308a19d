package io.physalia.core.wire;

import java.security.MessageDigest;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;

/**
 * The HMAC keys a node accepts, by key id, and the one it signs with. Immutable; every change
 * returns a new keyring, so a codec can swap keyrings between two frames.
 *
 * <p>Rotation without dropping a valid message, done one step at a time across the colony:
 * <ol>
 *   <li>{@code withKey(new, bytes)} on every node (all still sign with the old key);</li>
 *   <li>{@code signingWith(new)} on every node (everyone verifies both keys meanwhile);</li>
 *   <li>once no frame signed with the old key can still be in flight, {@code withoutKey(old)}.</li>
 * </ol>
 * Key bytes are copied in, never handed out and never printed.
 */
public final class Keyring {
    /** HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 section 3). */
    public static final int MIN_KEY_BYTES = 32;

    private final TreeMap<Integer, byte[]> keys;
    private final int signingKeyId;

    private Keyring(TreeMap<Integer, byte[]> keys, int signingKeyId) {
        this.keys = keys;
        this.signingKeyId = signingKeyId;
    }

    /** A keyring holding one key, which it signs with. */
    public static Keyring of(int keyId, byte[] key) {
        TreeMap<Integer, byte[]> keys = new TreeMap<>();
        keys.put(keyId, checkedCopy(keyId, key));
        return new Keyring(keys, keyId);
    }

    /**
     * Adds a key that is verified from now on (signing does not change). Adding the same bytes
     * again is a no-op; different bytes under a known id are refused, because peers that still
     * hold the old bytes would reject every frame: rotate to a new id instead.
     */
    public Keyring withKey(int keyId, byte[] key) {
        byte[] copy = checkedCopy(keyId, key);
        byte[] existing = keys.get(keyId);
        if (existing != null) {
            if (MessageDigest.isEqual(existing, copy)) {
                return this;
            }
            throw new IllegalArgumentException("key id " + keyId
                    + " is already in the keyring with different bytes; rotate to a new key id instead");
        }
        TreeMap<Integer, byte[]> next = new TreeMap<>(keys);
        next.put(keyId, copy);
        return new Keyring(next, signingKeyId);
    }

    /** Signs with {@code keyId} from now on; it must already be in the keyring. */
    public Keyring signingWith(int keyId) {
        if (!keys.containsKey(keyId)) {
            throw new IllegalArgumentException("cannot sign with key id " + keyId + ": it is not in the keyring "
                    + keyIds() + "; add it with withKey first");
        }
        return new Keyring(keys, keyId);
    }

    /** Stops accepting {@code keyId}. The signing key cannot be removed; switch signing first. */
    public Keyring withoutKey(int keyId) {
        if (keyId == signingKeyId) {
            throw new IllegalArgumentException("cannot remove key id " + keyId
                    + ": it is the signing key; switch signing to another key first");
        }
        if (!keys.containsKey(keyId)) {
            return this;
        }
        TreeMap<Integer, byte[]> next = new TreeMap<>(keys);
        next.remove(keyId);
        return new Keyring(next, signingKeyId);
    }

    public int signingKeyId() {
        return signingKeyId;
    }

    public NavigableSet<Integer> keyIds() {
        return Collections.unmodifiableNavigableSet(keys.navigableKeySet());
    }

    public boolean hasKey(int keyId) {
        return keys.containsKey(keyId);
    }

    /** The keys themselves, for {@link FrameAuthenticator} only. */
    Map<Integer, byte[]> keysForMac() {
        return Collections.unmodifiableMap(keys);
    }

    private static byte[] checkedCopy(int keyId, byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException("key id " + keyId + " has no key bytes");
        }
        byte[] copy = key.clone();
        if (copy.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key id " + keyId + " is " + copy.length + " bytes; HMAC-SHA256 keys need at least "
                    + MIN_KEY_BYTES + " random bytes");
        }
        boolean allSame = true;
        for (byte b : copy) {
            allSame &= b == copy[0];
        }
        if (allSame) {
            throw new IllegalArgumentException("key id " + keyId + " repeats a single byte value; "
                    + "it looks like a placeholder, not a random key");
        }
        return copy;
    }

    @Override
    public String toString() {
        return "Keyring[signing=" + signingKeyId + ", keys=" + keys.keySet() + "]";
    }
}
