package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file: parsing, reloading through a Secret-style symlink swap, and refusing bad changes. */
class KeyFileTest {
    private final String a = SecretMount.randomKey();
    private final String b = SecretMount.randomKey();

    @Test
    void reloadFollowsASecretMountSymlinkSwap(@TempDir Path dir) throws IOException {
        SecretMount mount = new SecretMount(dir.resolve("secret"), "signing=1\nkey.1=" + a + "\n");
        KeyFile keys = KeyFile.load(mount.file());
        String oldToken = keys.adminToken();
        assertEquals(KeyFile.Reload.UNCHANGED, keys.reload());

        mount.update("signing=1\nkey.1=" + a + "\nkey.2=" + b + "\n");
        assertEquals(KeyFile.Reload.APPLIED, keys.reload());
        assertEquals(Set.of(1, 2), keys.keyring().keyIds());
        assertEquals(1, keys.keyring().signingKeyId());

        mount.update("signing=2\nkey.1=" + a + "\nkey.2=" + b + "\n");
        assertEquals(KeyFile.Reload.APPLIED, keys.reload());
        assertEquals(2, keys.keyring().signingKeyId());
        String newToken = keys.adminToken();
        assertTrue(keys.isAdminToken(oldToken) && keys.isAdminToken(newToken), "both keys' tokens while both are listed");

        mount.update("signing=2\nkey.2=" + b + "\n");
        assertEquals(KeyFile.Reload.APPLIED, keys.reload());
        assertEquals(Set.of(2), keys.keyring().keyIds());
        assertFalse(keys.isAdminToken(oldToken), "the removed key's token is refused");
        assertFalse(keys.isAdminToken(null));
        assertFalse(keys.isAdminToken(""));
    }

    @Test
    void badChangesAreRefusedOnceAndTheKeysInUseStay(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("colony.key");
        Files.writeString(file, "signing=1\nkey.1=" + a + "\n");
        KeyFile keys = KeyFile.load(file);
        String[] bad = {
            "signing=1\nkey.1=" + b + "\n", // same id, new bytes: peers would reject everything
            "signing=2\nkey.1=" + a + "\n", // signing key missing
            "signing=x\nkey.1=" + a + "\n",
            "signing=1\nkey.1=" + a + "\nkey.2=AAAA\n", // weak key
            "signing=1\nkey.1=" + a + "\nkeys.3=" + b + "\n",
        };
        for (String text : bad) {
            Files.writeString(file, text);
            assertEquals(KeyFile.Reload.REFUSED, keys.reload(), text);
            assertEquals(KeyFile.Reload.UNCHANGED, keys.reload(), "reported once: " + text);
            assertEquals(Set.of(1), keys.keyring().keyIds());
            assertEquals(1, keys.keyring().signingKeyId());
        }
        Files.delete(file);
        assertEquals(KeyFile.Reload.REFUSED, keys.reload(), "a vanished file keeps the keys in use");
        assertEquals(Set.of(1), keys.keyring().keyIds());
        Files.writeString(file, "signing=1\nkey.1=" + a + "\n");
        assertEquals(KeyFile.Reload.UNCHANGED, keys.reload(), "back to the content in use");
    }

    @Test
    void parseNamesTheProblem() {
        IOException e = assertThrows(IOException.class, () -> KeyFile.parse(new StringReader("signing=7\nkey.1=" + a + "\n"), "t"));
        assertTrue(e.getMessage().contains("key.7 is missing"), e.getMessage());
        e = assertThrows(IOException.class, () -> KeyFile.parse(new StringReader("signing=one\nkey.1=" + a + "\n"), "t"));
        assertTrue(e.getMessage().contains("must name a key number"), e.getMessage());
        e = assertThrows(IOException.class, () -> KeyFile.parse(new StringReader("key.1=" + a + "\n"), "t"));
        assertTrue(e.getMessage().contains("no 'signing=' line"), e.getMessage());
    }
}
