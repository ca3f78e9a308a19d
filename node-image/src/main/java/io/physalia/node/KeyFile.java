package io.physalia.node;

import io.physalia.client.admin.ColonyKeys;
import io.physalia.core.wire.Keyring;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The colony's shared secrets, as a properties file:
 * <pre>
 *   signing=1
 *   key.1=&lt;base64 of at least 32 random bytes&gt;
 * </pre>
 * Several {@code key.N} lines allow rotation (see {@link Keyring}). The admin token that nodes
 * use between themselves is derived from the signing key; a token derived from any key in the
 * file is accepted, so the admin routes keep working while nodes switch signing keys one by one.
 * Key bytes are never logged.
 *
 * <p>The file can change while the node runs (a Kubernetes Secret mount swaps a symlink when the
 * Secret is updated): {@link #reload} reads it again and, if it is valid, every user sees the new
 * keys from its next frame on. A file that does not parse, or that gives a key id new bytes, is
 * refused and the keys in use stay.
 */
public final class KeyFile {
    private static final Logger LOG = Logger.getLogger(KeyFile.class.getName());
    /** What {@link #reload} did: nothing new, new keys in use, or a new file content refused (reported once). */
    public enum Reload { UNCHANGED, APPLIED, REFUSED }

    private final Path file;
    /** One parse of the file: immutable, swapped whole. */
    private volatile ColonyKeys keys;
    private volatile String refusedText; // the last refused content, so it is logged once, not every poll

    private KeyFile(Path file, ColonyKeys keys) {
        this.file = file;
        this.keys = keys;
    }

    public static KeyFile load(Path file) throws IOException {
        return new KeyFile(file, ColonyKeys.parse(read(file), file.toString()));
    }

    static KeyFile parse(Reader r, String where) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buf = new char[4096];
        for (int n; (n = r.read(buf)) > 0; ) {
            text.append(buf, 0, n);
        }
        return new KeyFile(null, ColonyKeys.parse(text.toString(), where));
    }

    private static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("key file " + file + " does not exist (physalia local generates one; see docs/node.md)");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /**
     * Reads the file again (it must have been loaded from a path). Blocking: call it off the
     * event loops. A refused file is logged once per distinct content.
     */
    public Reload reload() {
        if (file == null) {
            return Reload.UNCHANGED;
        }
        String text;
        try {
            text = read(file);
        } catch (IOException e) {
            return refuse("\0unreadable " + e.getMessage(), e.getMessage()); // removed or unreadable: keep the keys in use
        }
        ColonyKeys current = keys;
        if (text.equals(current.text())) {
            return Reload.UNCHANGED;
        }
        ColonyKeys next;
        try {
            next = ColonyKeys.parse(text, file.toString());
        } catch (IOException e) {
            return refuse(text, e.getMessage());
        }
        for (Map.Entry<Integer, byte[]> e : next.bytesById().entrySet()) {
            byte[] had = current.bytesById().get(e.getKey());
            if (had != null && !MessageDigest.isEqual(had, e.getValue())) {
                return refuse(text, "key file " + file + ": key." + e.getKey() + " has new bytes; peers that hold the old "
                        + "bytes would reject every frame: rotate to a new key number instead");
            }
        }
        keys = next;
        refusedText = null;
        LOG.info("key file " + file + " reloaded: " + next.keyring());
        return Reload.APPLIED;
    }

    /** REFUSED (and a warning) the first time this content is seen; UNCHANGED while it stays. */
    private Reload refuse(String text, String why) {
        if (text.equals(refusedText)) {
            return Reload.UNCHANGED;
        }
        LOG.warning(why + "; keeping the keys in use " + keys.keyring());
        refusedText = text;
        return Reload.REFUSED;
    }

    /** Writes a new key file with one random key, readable by its owner only. */
    public static void generate(Path file) throws IOException {
        byte[] key = new byte[ColonyKeys.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        String text = ColonyKeys.firstKeyText(key);
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

    /** The keys in use now (a later reload may replace them). */
    public Keyring keyring() {
        return keys.keyring();
    }

    /** HMAC-SHA256 of {@code data} under the signing key. */
    public byte[] mac(byte[] data) {
        return ColonyKeys.mac(keys.signingKey(), data);
    }

    /** The bearer token for node-to-node admin routes, derived from the signing key. */
    public String adminToken() {
        return ColonyKeys.adminToken(keys.signingKey());
    }

    /** Whether {@code token} is the admin token of any key in the file (compared in constant time). */
    public boolean isAdminToken(String token) {
        if (token == null) {
            return false;
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys.bytesById().values()) {
            byte[] expected = ColonyKeys.adminToken(key).getBytes(StandardCharsets.UTF_8);
            match |= MessageDigest.isEqual(expected, given);
        }
        return match;
    }
}
