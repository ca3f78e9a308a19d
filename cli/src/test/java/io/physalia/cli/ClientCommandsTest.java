package io.physalia.cli;

import io.physalia.node.local.FreePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.node.KeyFile;
import io.physalia.node.Node;
import io.physalia.node.NodeConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The client commands against one real node (in this JVM): what they print and their exit codes. */
class ClientCommandsTest {
    @TempDir
    static Path dir;
    static Node node;
    static String at;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void start() throws Exception {
        KeyFile.generate(dir.resolve("key"));
        int[] ports = FreePorts.ports(2);
        int http = ports[0];
        int peer = ports[1];
        node = Node.start(new NodeConfig("n1", dir.resolve("data"), "127.0.0.1", peer, http, Map.of(), dir.resolve("key"), -1));
        at = "127.0.0.1:" + http;
        Result created = run("create", "--cell", "demo", "--members", "n1");
        assertEquals(0, created.code(), created.err());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** Runs a command against the node (--node is added after the command and a lease's action). */
    static Result run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add(args[0].equals("lease") ? 2 : 1, "--node");
        all.add(args[0].equals("lease") ? 3 : 2, at);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClientCommands.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(new String[] {"put", "--key", "k", "--int", "1"}, "missing --cell"),
                Arguments.of(new String[] {"put", "--cell", "demo", "--key", "k", "--int", "1.5"}, "--int must be a decimal integer"),
                Arguments.of(new String[] {"put", "--cell", "demo", "--key", "k", "--int", "1", "--bool", "true"}, "exactly one of"),
                Arguments.of(new String[] {"put", "--cell", "demo", "--key", "k", "--bytes", "!!"}, "--bytes must be base64"),
                Arguments.of(new String[] {"put", "--cell", "demo", "--key", "k", "--string", "x", "--ttl", "3"}, "unknown flag --ttl"),
                Arguments.of(new String[] {"get", "--cell", "demo", "--key", "k", "--consistency", "strong"}, "consistency 'strong'"),
                Arguments.of(new String[] {"get", "--cell", "demo"}, "missing --key"),
                Arguments.of(new String[] {"delete", "--cell", "demo"}, "missing --key"),
                Arguments.of(new String[] {"increment", "--cell", "demo", "--key", "n", "--delta", "1e3"}, "--delta must be a decimal integer"),
                Arguments.of(new String[] {"txn", "--cell", "demo", "--json", "[1]"}, "--json must be a JSON object"),
                Arguments.of(new String[] {"scan", "--cell", "demo", "--prefix", "a", "--start", "b"}, "not both"),
                Arguments.of(new String[] {"scan", "--cell", "demo", "--page-size", "0"}, "--page-size must be a positive integer"),
                Arguments.of(new String[] {"scan", "--cell", "demo", "--all", "yes"}, "--all must be true or false"),
                Arguments.of(new String[] {"scan", "--cell", "demo", "--all", "true", "--page-token", "k1.YQ"}, "takes no --page-token"),
                Arguments.of(new String[] {"lease", "steal", "--cell", "demo"}, "lease needs an action first"),
                Arguments.of(new String[] {"lease", "acquire", "--cell", "demo", "--name", "l", "--holder", "h"}, "missing --duration-ms"),
                Arguments.of(new String[] {"lease", "acquire", "--cell", "demo", "--name", "l", "--holder", "h", "--duration-ms", "-5"},
                        "--duration-ms must be a positive integer"),
                Arguments.of(new String[] {"lease", "renew", "--cell", "demo", "--name", "l", "--holder", "h"}, "missing --token"),
                Arguments.of(new String[] {"lease", "release", "--cell", "demo", "--name", "l", "--token", "3"}, "missing --holder"),
                Arguments.of(new String[] {"lease", "show", "--cell", "demo", "--name", "l", "--holder", "h"}, "unknown flag --holder"),
                Arguments.of(new String[] {"cell-status", "--cell", "demo", "--verbose", "true"}, "unknown flag --verbose"),
                Arguments.of(new String[] {"get", "--cell", "demo", "--key"}, "needs a value"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("usageErrors")
    void usageErrorsExitWith2AndSayWhatIsWrong(String[] args, String message) {
        Result r = run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in " + r.err());
        assertTrue(r.err().contains("usage: physalia"), "the usage follows the problem");
    }

    @Test
    void aBadNodeListIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ClientCommands.run(new String[] {"get", "--node", "nohostport", "--cell", "c", "--key", "k"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("must be host:port"));
    }

    @Test
    void putGetIncrementDeleteAndTxn() {
        assertEquals(0, run("put", "--cell", "demo", "--key", "greeting", "--string", "hello").code());
        Result got = run("get", "--cell", "demo", "--key", "greeting", "--consistency", "eventual");
        assertEquals(0, got.code());
        assertTrue(got.out().contains("\"string\":\"hello\""), got.out());
        assertEquals(0, run("increment", "--cell", "demo", "--key", "claims").code());
        Result inc = run("increment", "--cell", "demo", "--key", "claims", "--delta", "123456789012345678901234567890");
        assertTrue(inc.out().contains("\"int\":\"123456789012345678901234567891\""), inc.out());
        Result del = run("delete", "--cell", "demo", "--key", "greeting");
        assertEquals(0, del.code());
        assertTrue(del.out().contains("\"existed\":true"), del.out());
        assertTrue(run("get", "--cell", "demo", "--key", "greeting").out().contains("\"found\":false"));
        String cond = "{\"conditions\":[{\"type\":\"absent\",\"key\":\"owner\"}],\"ops\":[{\"op\":\"put\",\"key\":\"owner\",\"value\":{\"string\":\"alice\"}}]}";
        assertTrue(run("txn", "--cell", "demo", "--json", cond).out().contains("\"status\":\"OK\""));
        Result again = run("txn", "--cell", "demo", "--json", cond);
        assertEquals(0, again.code(), "the cell answered");
        assertTrue(again.out().contains("CONDITION_FAILED"), again.out());
        Result typeMismatch = run("increment", "--cell", "demo", "--key", "owner");
        assertTrue(typeMismatch.out().contains("TYPE_MISMATCH"), typeMismatch.out());
    }

    @Test
    void scanPagesAndAll() {
        for (int i = 0; i < 7; i++) {
            assertEquals(0, run("put", "--cell", "demo", "--key", "s/" + i, "--int", Integer.toString(i)).code());
        }
        Result first = run("scan", "--cell", "demo", "--prefix", "s/", "--page-size", "3");
        assertEquals(0, first.code(), first.err());
        assertEquals(3, count(first.out(), "\"key\":"));
        Matcher token = Pattern.compile("\"nextPageToken\":\"([^\"]+)\"").matcher(first.out());
        assertTrue(token.find(), first.out());
        Result second = run("scan", "--cell", "demo", "--prefix", "s/", "--page-size", "3", "--page-token", token.group(1));
        assertTrue(second.out().contains("\"key\":\"s/3\""), second.out());
        Result all = run("scan", "--cell", "demo", "--prefix", "s/", "--page-size", "3", "--all", "true", "--consistency", "eventual");
        assertEquals(7, count(all.out(), "\"key\":"), all.out());
        assertEquals(0, run("put", "--cell", "demo", "--key", "s/text", "--string", "h\u00e9").code());
        Result text = run("scan", "--cell", "demo", "--prefix", "s/t");
        assertTrue(text.out().contains("\"string\":\"h\u00e9\""), "text is shown as text too: " + text.out());
        assertTrue(all.out().contains("\"pages\":3") && all.out().contains("\"nextPageToken\":null"), all.out());
    }

    @Test
    void leasesFromTheCommandLine() {
        Result acquired = run("lease", "acquire", "--cell", "demo", "--name", "leader", "--holder", "me", "--duration-ms", "30000");
        assertEquals(0, acquired.code(), acquired.err());
        Matcher m = Pattern.compile("\"token\":(\\d+)").matcher(acquired.out());
        assertTrue(m.find() && acquired.out().contains("GRANTED"), acquired.out());
        String token = m.group(1);
        Result taken = run("lease", "acquire", "--cell", "demo", "--name", "leader", "--holder", "you", "--duration-ms", "30000");
        assertEquals(1, taken.code(), "held by another: not granted");
        assertTrue(taken.out().contains("HELD_BY_OTHER") && taken.err().contains("holder me"), taken.out() + taken.err());
        assertTrue(run("lease", "show", "--cell", "demo", "--name", "leader").out().contains("\"holder\":\"me\""));
        assertEquals(0, run("lease", "renew", "--cell", "demo", "--name", "leader", "--holder", "me", "--token", token).code());
        assertEquals(1, run("lease", "release", "--cell", "demo", "--name", "leader", "--holder", "me", "--token", "999999").code());
        Result released = run("lease", "release", "--cell", "demo", "--name", "leader", "--holder", "me", "--token", token);
        assertEquals(0, released.code(), released.out());
        assertTrue(run("lease", "show", "--cell", "demo", "--name", "leader", "--consistency", "eventual").out().contains("\"held\":false"));
    }

    @Test
    void cellStatusAndFailures() {
        Result st = run("cell-status", "--cell", "demo");
        assertEquals(0, st.code(), st.err());
        assertTrue(st.out().contains("cell demo: configuration epoch 0, members [n1]"), st.out());
        assertTrue(st.out().contains("n1") && st.out().contains(at) && st.out().contains("member n1@0"), st.out());
        Result unknown = run("cell-status", "--cell", "nosuch");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("not known to discovery"), unknown.err());
        Result missing = run("get", "--cell", "nosuch", "--key", "k");
        assertEquals(1, missing.code(), "a cell hosted nowhere: failed, not a usage error");
        assertTrue(missing.out().contains("is not hosted"), missing.out());
        Result bad = run("put", "--cell", "demo", "--key", "k".repeat(2000), "--int", "1");
        assertEquals(1, bad.code());
        assertTrue(bad.out().contains("limit is 1024"), bad.out());
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
