package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    static final String[] GOOD = {"--name", "n1", "--data-dir", "d", "--peer-port", "7501", "--http-port", "7401",
            "--peers", "n1=127.0.0.1:7501,n2=127.0.0.1:7502", "--key-file", "k"};

    @Test
    void parsesAndSkipsItselfInPeers() throws Exception {
        NodeConfig c = NodeConfig.parse(GOOD);
        assertEquals("n1", c.name());
        assertEquals(java.util.Set.of("n2"), c.peers().keySet());
        assertEquals(7502, c.peers().get("n2").port());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> NodeConfig.parse(new String[] {
                "--name", "-bad", "--peer-port", "70000", "--http-port", "x", "--peers", "n2=nohost", "--color", "red"}));
        for (String expected : new String[] {"unknown flag --color", "--name '-bad'", "missing --data-dir",
                "--peer-port 70000 is not a port", "--http-port 'x' is not a number", "missing --key-file",
                "'nohost' is not host:port"}) {
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in:\n" + e.getMessage());
        }
    }

    @Test
    void colonyNamesTheMetricsAndIsValidated() throws Exception {
        assertEquals(NodeConfig.DEFAULT_COLONY, NodeConfig.parse(GOOD).colony());
        String[] named = java.util.Arrays.copyOf(GOOD, GOOD.length + 2);
        named[GOOD.length] = "--colony";
        named[GOOD.length + 1] = "prod-east";
        assertEquals("prod-east", NodeConfig.parse(named).colony());
        named[GOOD.length + 1] = "no spaces";
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> NodeConfig.parse(named));
        assertTrue(e.getMessage().contains("--colony 'no spaces'"), e.getMessage());
    }

    @Test
    void refusesToRunWithoutSync() {
        String[] args = java.util.Arrays.copyOf(GOOD, GOOD.length + 2);
        args[GOOD.length] = "--sync";
        args[GOOD.length + 1] = "false";
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> NodeConfig.parse(args));
        assertTrue(e.getMessage().contains("refusing to start with syncing disabled"), e.getMessage());
    }

    @Test
    void storageSizesAreParsedAndChecked() throws Exception {
        assertEquals(io.physalia.node.storage.StorageOptions.DEFAULT, NodeConfig.parse(GOOD).storage());
        NodeConfig c = NodeConfig.parse(with("--log-segment-bytes", "1m", "--checkpoint-log-bytes", "8M"));
        assertEquals(1 << 20, c.storage().segmentBytes());
        assertEquals(8 << 20, c.storage().checkpointLogBytes());
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class,
                () -> NodeConfig.parse(with("--log-segment-bytes", "12q")));
        assertTrue(e.getMessage().contains("--log-segment-bytes: '12q' is not a byte count"), e.getMessage());
        e = assertThrows(NodeConfig.BadConfig.class,
                () -> NodeConfig.parse(with("--log-segment-bytes", "64m", "--checkpoint-log-bytes", "1m")));
        assertTrue(e.getMessage().contains("must be at least the segment size"), e.getMessage());
        e = assertThrows(NodeConfig.BadConfig.class, () -> NodeConfig.parse(with("--log-segment-bytes", "100")));
        assertTrue(e.getMessage().contains("between 4096 bytes and 1 GiB"), e.getMessage());
    }

    private static String[] with(String... more) {
        String[] args = java.util.Arrays.copyOf(GOOD, GOOD.length + more.length);
        System.arraycopy(more, 0, args, GOOD.length, more.length);
        return args;
    }

    @Test
    void keyFileRoundTripsAndRejectsWeakKeys(@TempDir Path dir) throws Exception {
        KeyFile.generate(dir.resolve("k"));
        KeyFile k = KeyFile.load(dir.resolve("k"));
        assertEquals(1, k.keyring().signingKeyId());
        assertEquals(64, k.adminToken().length());
        Exception weak = assertThrows(java.io.IOException.class,
                () -> KeyFile.parse(new StringReader("signing=1\nkey.1=AAAA\n"), "test"));
        assertTrue(weak.getMessage().contains("at least 32"), weak.getMessage());
        assertThrows(java.io.IOException.class, () -> KeyFile.load(dir.resolve("missing")));
    }
}
