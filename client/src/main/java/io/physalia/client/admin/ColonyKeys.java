package io.physalia.client.admin;

import io.physalia.core.wire.Keyring;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The text of a colony's key file (docs/node.md), parsed and written in one place for everyone
 * who handles it: the node (which reads it from its file and follows rotations), {@code physalia
 * local} and the operator (which keep it in a file or a Secret and derive the admin token).
 * <pre>
 *   signing=1
 *   key.1=&lt;base64 of at least 32 random bytes&gt;
 * </pre>
 *
 * @param keyring the keys, signing with {@code signing}
 * @param bytesById every key's bytes by id
 * @param text the text these keys were parsed from (or written as)
 */
public record ColonyKeys(Keyring keyring, Map<Integer, byte[]> bytesById, String text) {
    private static final byte[] ADMIN_LABEL = "physalia admin token v1".getBytes(StandardCharsets.UTF_8);
    /** The bytes of a new key: HMAC-SHA256 keys of the hash's size. */
    public static final int KEY_BYTES = 32;

    public ColonyKeys {
        bytesById = Map.copyOf(bytesById);
    }

    /** Parses key-file text; {@code where} names its source in the errors (a path, a Secret). */
    public static ColonyKeys parse(String text, String where) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        String signingText = p.getProperty("signing");
        if (signingText == null) {
            throw new IOException("key file " + where + " has no 'signing=' line");
        }
        int signing;
        try {
            signing = Integer.parseInt(signingText.trim());
        } catch (NumberFormatException e) {
            throw new IOException("key file " + where + ": 'signing=" + signingText.trim() + "' must name a key number");
        }
        Keyring ring = null;
        Map<Integer, byte[]> bytesById = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            if (!name.startsWith("key.")) {
                if (!name.equals("signing")) {
                    throw new IOException("key file " + where + ": unknown entry '" + name + "'");
                }
                continue;
            }
            int id;
            byte[] key;
            try {
                id = Integer.parseInt(name.substring(4));
                key = Base64.getDecoder().decode(p.getProperty(name).trim());
            } catch (IllegalArgumentException e) {
                throw new IOException("key file " + where + ": entry '" + name + "' must be key.<number>=<base64>");
            }
            try {
                ring = ring == null ? Keyring.of(id, key) : ring.withKey(id, key);
            } catch (IllegalArgumentException e) {
                throw new IOException("key file " + where + ": " + e.getMessage());
            }
            bytesById.put(id, key);
        }
        if (ring == null || !bytesById.containsKey(signing)) {
            throw new IOException("key file " + where + ": the signing key key." + signing + " is missing");
        }
        return new ColonyKeys(ring.signingWith(signing), bytesById, text);
    }

    /** Key-file text with one key, {@code key.1}, signing; {@code key} must come from a secure random source. */
    public static String firstKeyText(byte[] key) {
        if (key.length < KEY_BYTES) {
            throw new IllegalArgumentException("a colony key needs at least " + KEY_BYTES + " bytes, got " + key.length);
        }
        return "# Physalia colony keys: keep secret; every node of the colony needs the same file.\n"
                + "signing=1\nkey.1=" + Base64.getEncoder().encodeToString(key) + "\n";
    }

    public byte[] signingKey() {
        return bytesById.get(keyring.signingKeyId());
    }

    /** The bearer token of the admin routes, derived from the signing key. */
    public String adminToken() {
        return adminToken(signingKey());
    }

    /** The admin token derived from one key: a node accepts the token of any key in its file. */
    public static String adminToken(byte[] key) {
        return HexFormat.of().formatHex(mac(key, ADMIN_LABEL));
    }

    /** HMAC-SHA256 of {@code data} under {@code key}. */
    public static byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
