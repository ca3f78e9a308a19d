package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
    static final String[] GOOD = {"--name", "n1", "--data-dir", "d", "--peer-port", "7501", "--http-port", "7401",
            "--peers", "n1=127.0.0.1:7501,n2=127.0.0.1:7502", "--key-file", "k"};

    @Test
    void parsesAndSkipsItselfInPeers() throws Exception {
        NodeConfig c = parse(GOOD);
        assertEquals("n1", c.name());
        assertEquals(java.util.Set.of("n2"), c.peers().keySet());
        assertEquals(7502, c.peers().get("n2").port());
    }

    @Test
    void reportsEveryProblemAtOnce() {
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> parse(new String[] {
                "--name", "-bad", "--peer-port", "70000", "--http-port", "x", "--peers", "n2=nohost", "--color", "red"}));
        for (String expected : new String[] {"unknown flag --color", "--name '-bad'", "missing --data-dir",
                "--peer-port 70000 is not a port", "--http-port 'x' is not a number", "missing --key-file",
                "'nohost' is not host:port"}) {
            assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in:\n" + e.getMessage());
        }
    }

    @Test
    void theAdminPortIsOptionalAndApartFromTheOthers() throws Exception {
        NodeConfig shared = parse(GOOD);
        assertEquals(7401, shared.adminPort(), "absent: the admin routes share the HTTP port");
        assertTrue(!shared.separateAdminPort());
        String[] apart = java.util.Arrays.copyOf(GOOD, GOOD.length + 2);
        apart[GOOD.length] = "--admin-port";
        apart[GOOD.length + 1] = "7402";
        assertEquals(7402, parse(apart).adminPort());
        assertTrue(parse(apart).separateAdminPort());
        for (String bad : new String[] {"7401", "7501"}) {
            apart[GOOD.length + 1] = bad;
            NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> parse(apart));
            assertTrue(e.getMessage().contains("--admin-port must differ from --http-port and --peer-port"), e.getMessage());
        }
        apart[GOOD.length + 1] = "0";
        assertTrue(assertThrows(NodeConfig.BadConfig.class, () -> parse(apart)).getMessage().contains("--admin-port 0 is not a port"));
    }

    @Test
    void colonyNamesTheMetricsAndIsValidated() throws Exception {
        assertEquals(NodeConfig.DEFAULT_COLONY, parse(GOOD).colony());
        String[] named = java.util.Arrays.copyOf(GOOD, GOOD.length + 2);
        named[GOOD.length] = "--colony";
        named[GOOD.length + 1] = "prod-east";
        assertEquals("prod-east", parse(named).colony());
        named[GOOD.length + 1] = "no spaces";
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> parse(named));
        assertTrue(e.getMessage().contains("--colony 'no spaces'"), e.getMessage());
    }

    @Test
    void refusesToRunWithoutSync() {
        String[] args = java.util.Arrays.copyOf(GOOD, GOOD.length + 2);
        args[GOOD.length] = "--sync";
        args[GOOD.length + 1] = "false";
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class, () -> parse(args));
        assertTrue(e.getMessage().contains("refusing to start with syncing disabled"), e.getMessage());
    }

    @Test
    void storageSizesAreParsedAndChecked() throws Exception {
        assertEquals(io.physalia.node.storage.StorageOptions.DEFAULT, parse(GOOD).storage());
        NodeConfig c = parse(with("--log-segment-bytes", "1m", "--checkpoint-log-bytes", "8M"));
        assertEquals(1 << 20, c.storage().segmentBytes());
        assertEquals(8 << 20, c.storage().checkpointLogBytes());
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class,
                () -> parse(with("--log-segment-bytes", "12q")));
        assertTrue(e.getMessage().contains("--log-segment-bytes: '12q' is not a byte count"), e.getMessage());
        e = assertThrows(NodeConfig.BadConfig.class,
                () -> parse(with("--log-segment-bytes", "64m", "--checkpoint-log-bytes", "1m")));
        assertTrue(e.getMessage().contains("must be at least the segment size"), e.getMessage());
        e = assertThrows(NodeConfig.BadConfig.class, () -> parse(with("--log-segment-bytes", "100")));
        assertTrue(e.getMessage().contains("between 4096 bytes and 1 GiB"), e.getMessage());
    }

    @Test
    void theLeaderLeaseAndClockRateBoundAreSettingsAndChecked() throws Exception {
        assertEquals(LeaderLease.DEFAULT, parse(GOOD).lease());
        assertEquals(600, parse(GOOD).lease().failoverFloorMillis(), "the default floor under failover");
        NodeConfig c = parse(with("--leader-lease-ms", "500", "--clock-rate-bound", "2"));
        assertEquals(new LeaderLease(500, 2), c.lease());
        assertEquals(500, c.lease().applyTo(io.physalia.core.paxos.ReplicaConfig.DEFAULT).leaderLeaseMillis());
        assertEquals(0, parse(with("--leader-lease-ms", "0")).lease().millis(), "0 turns the lease off");
        NodeConfig.BadConfig e = assertThrows(NodeConfig.BadConfig.class,
                () -> parse(with("--leader-lease-ms", "soon", "--clock-rate-bound", "1")));
        assertMentions(e, "--leader-lease-ms 'soon' must be a whole number in 0..60000",
                "--clock-rate-bound '1' must be a whole number in 2..10");
        e = assertThrows(NodeConfig.BadConfig.class, () -> parse(with("--leader-lease-ms", "60001")));
        assertMentions(e, "--leader-lease-ms '60001' must be a whole number in 0..60000");
    }

    /** Parses with an empty environment: the test's own environment must not leak in. */
    private static NodeConfig parse(String[] args) throws NodeConfig.BadConfig {
        return NodeConfig.parse(args, Map.of());
    }

    private static NodeConfig.BadConfig refused(String[] args, Map<String, String> env) {
        return assertThrows(NodeConfig.BadConfig.class, () -> NodeConfig.parse(args, env));
    }

    private static void assertMentions(Exception e, String... expected) {
        for (String x : expected) {
            assertTrue(e.getMessage().contains(x), "expected '" + x + "' in:\n" + e.getMessage());
        }
    }

    @Test
    void everySettingComesFromTheEnvironmentToo() throws Exception {
        NodeConfig c = NodeConfig.parse(new String[0], Map.of("PHYSALIA_NAME", "n1", "PHYSALIA_DATA_DIR", "d",
                "PHYSALIA_PEER_PORT", "7501", "PHYSALIA_HTTP_PORT", "7401", "PHYSALIA_PEERS", "n2=127.0.0.1:7502",
                "PHYSALIA_KEY_FILE", "k", "PHYSALIA_LOG_SEGMENT_BYTES", "1m", "PATH", "/usr/bin"));
        assertEquals("n1", c.name());
        assertEquals(7401, c.httpPort());
        assertEquals(1 << 20, c.storage().segmentBytes());
        NodeConfig overridden = NodeConfig.parse(replace(GOOD, "--http-port", "7999"), Map.of("PHYSALIA_HTTP_PORT", "7401"));
        assertEquals(7999, overridden.httpPort(), "a flag beats the environment");
    }

    @Test
    void environmentErrorsNameTheVariable() {
        NodeConfig.BadConfig e = refused(new String[0], Map.of("PHYSALIA_NAME", "n1", "PHYSALIA_PEER_PORT", "99999",
                "PHYSALIA_HTTP_PORT", "", "PHYSALIA_SYNC", "false", "PHYSALIA_KEY_FILE", "k", "PHYSALIA_PEERS", "n2"));
        assertMentions(e, "PHYSALIA_PEER_PORT 99999 is not a port", "PHYSALIA_HTTP_PORT is empty",
                "PHYSALIA_SYNC false: refusing to start with syncing disabled", "PHYSALIA_PEERS entry 'n2'",
                "missing --data-dir (or PHYSALIA_DATA_DIR, or data-dir in the config file)");
    }

    @Test
    void aConfigFileGivesSettingsBelowTheEnvironmentAndFlags(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("node.conf");
        java.nio.file.Files.writeString(conf, """
                # node n1 of the test colony
                name = n1
                data-dir = /var/lib/physalia/n1
                peer-port = 7501
                http-port=7401

                peers = n1=127.0.0.1:7501, n2=127.0.0.1:7502
                key-file = /etc/physalia/colony.key
                colony = east
                """);
        NodeConfig c = NodeConfig.parse(new String[] {"--config", conf.toString()}, Map.of());
        assertEquals(Path.of("/var/lib/physalia/n1"), c.dataDir());
        assertEquals(7401, c.httpPort());
        assertEquals("east", c.colony());
        assertEquals(java.util.Set.of("n2"), c.peers().keySet());
        NodeConfig layered = NodeConfig.parse(new String[] {"--http-port", "7402"},
                Map.of("PHYSALIA_CONFIG", conf.toString(), "PHYSALIA_COLONY", "west"));
        assertEquals(7402, layered.httpPort(), "a flag beats the file");
        assertEquals("west", layered.colony(), "the environment beats the file");
        assertEquals(7501, layered.peerPort(), "the file fills the rest");
    }

    @Test
    void configFileErrorsNameTheLine(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("bad.conf");
        java.nio.file.Files.writeString(conf, """
                name = n1
                http-prot = 7401
                peer-port = seventy
                just some words
                name = n2
                sync = false
                config = other.conf
                """);
        NodeConfig.BadConfig e = refused(new String[] {"--config", conf.toString()}, Map.of());
        assertMentions(e, conf + " line 2: unknown setting 'http-prot'", "peer-port (" + conf + " line 3) 'seventy' is not a number",
                conf + " line 4: 'just some words' must look like key = value", conf + " line 5: 'name' given twice",
                "sync (" + conf + " line 6) false: refusing to start with syncing disabled",
                conf + " line 7: a config file cannot name another config file", "missing --http-port");
        e = refused(GOOD, Map.of("PHYSALIA_CONFIG", dir.resolve("absent.conf").toString()));
        assertMentions(e, "PHYSALIA_CONFIG " + dir.resolve("absent.conf") + ": cannot read it");
    }

    private static String[] replace(String[] args, String flag, String value) {
        String[] out = args.clone();
        for (int i = 0; i < out.length - 1; i++) {
            if (out[i].equals(flag)) {
                out[i + 1] = value;
            }
        }
        return out;
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
