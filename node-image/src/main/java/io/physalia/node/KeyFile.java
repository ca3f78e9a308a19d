package io.physalia.node;

import io.physalia.core.wire.Keyring;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The colony's shared secrets, as a properties file:
 * <pre>
 *   signing=1
 *   key.1=&lt;base64 of at least 32 random bytes&gt;
 * </pre>
 * Several {@code key.N} lines allow rotation (see {@link Keyring}). The admin token that nodes
 * use between themselves is derived from the signing key; key bytes are never logged.
 */
public final class KeyFile {
    private final Keyring keyring;
    private final byte[] signingKey;

    private KeyFile(Keyring keyring, byte[] signingKey) {
        this.keyring = keyring;
        this.signingKey = signingKey;
    }

    public static KeyFile load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("key file " + file + " does not exist (physalia local generates one; see docs/node.md)");
        }
        return parse(new StringReader(Files.readString(file, StandardCharsets.UTF_8)), file.toString());
    }

    static KeyFile parse(Reader r, String where) throws IOException {
        Properties p = new Properties();
        p.load(r);
        String signing = p.getProperty("signing");
        if (signing == null) {
            throw new IOException("key file " + where + " has no 'signing=' line");
        }
        Keyring ring = null;
        byte[] signingKey = null;
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
            if (name.equals("key." + signing.trim())) {
                signingKey = key;
            }
        }
        if (ring == null || signingKey == null) {
            throw new IOException("key file " + where + ": the signing key key." + signing + " is missing");
        }
        return new KeyFile(ring.signingWith(Integer.parseInt(signing.trim())), signingKey);
    }

    /** Writes a new key file with one random key, readable by its owner only. */
    public static void generate(Path file) throws IOException {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String text = "# Physalia colony keys: keep secret; every node of the colony needs the same file.\n"
                + "signing=1\nkey.1=" + Base64.getEncoder().encodeToString(key) + "\n";
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public Keyring keyring() {
        return keyring;
    }

    /** HMAC-SHA256 of {@code data} under the signing key. */
    public byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The bearer token for node-to-node admin routes. */
    public String adminToken() {
        return HexFormat.of().formatHex(mac("physalia admin token v1".getBytes(StandardCharsets.UTF_8)));
    }
}
