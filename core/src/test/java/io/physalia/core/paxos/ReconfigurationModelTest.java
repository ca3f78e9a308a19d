package io.physalia.core.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.physalia.core.testing.ExternalTool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the Promela model of reconfiguration ({@code src/test/promela/reconfiguration.pml}) with
 * SPIN: every state of the bounded model exhaustively, where no two proposers may conclude
 * different values for a slot; and each mutant, one rule of {@link Proposer} broken, where SPIN
 * must find such a pair, so that the model is not passing for nothing. docs/protocol.md says what
 * the model covers and what it does not.
 */
class ReconfigurationModelTest {
    private static final String HOW_TO_GET = "The protocol model's test needs SPIN and a C compiler: apt-get install "
            + "spin gcc (Debian), as .ci/run does when spin is missing.";
    private static final Pattern ERRORS = Pattern.compile("errors: (\\d+)");
    private static final Pattern STORED = Pattern.compile("(\\d+) states, stored");
    /** Well below the model's own state count: fewer means the model lost its behaviours, not that it got faster. */
    private static final long MIN_STATES = 100_000;

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("the model: alpha 1, 3 nodes, 3 slots, 2 proposers", List.of(), false),
                Arguments.of("mutant NO_ALPHA: propose past the alpha window", List.of("-DNO_ALPHA"), true),
                Arguments.of("mutant NO_INCARNATIONS: count members by node (ABA)", List.of("-DNO_INCARNATIONS"), true),
                Arguments.of("mutant FIRST_CONFIG_ONLY: promises checked in the first configuration only",
                        List.of("-DFIRST_CONFIG_ONLY"), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void spinAgrees(String name, List<String> defines, boolean violationExpected, @TempDir Path dir) throws Exception {
        Path spin = ExternalTool.onPath("spin", HOW_TO_GET);
        Path gcc = ExternalTool.onPath("gcc", HOW_TO_GET);
        Path model = Path.of(System.getProperty("basedir", ".")).resolve("src/test/promela/reconfiguration.pml");
        Files.copy(model, dir.resolve("reconfiguration.pml"));

        expectExit0(ExternalTool.run(dir, spin(spin, "-a", defines), Duration.ofMinutes(1)), "spin -a");
        // SAFETY: assertions only, no liveness; NOBOUNDCHECK: the model's indices are its own.
        expectExit0(ExternalTool.run(dir, List.of(gcc.toString(), "-O2", "-w", "-DSAFETY", "-DNOBOUNDCHECK",
                "-o", "pan", "pan.c"), Duration.ofMinutes(2)), "gcc pan.c");
        // -m: search depth (the model's deepest path is under 200 steps); -w: 2^23 hash slots.
        ExternalTool.Result pan = ExternalTool.run(dir, List.of("./pan", "-m3000", "-w23"), Duration.ofMinutes(5));
        String out = pan.output();
        assertTrue(!out.contains("max search depth too small") && !out.contains("out of memory"),
                name + ": the search was cut short, so it proves nothing:\n" + out);
        int errors = Integer.parseInt(find(ERRORS, out, name));
        if (violationExpected) {
            assertTrue(errors > 0 && out.contains("assertion violated"),
                    name + ": SPIN found no violation, so the model does not depend on the rule this mutant breaks:\n" + out);
        } else {
            if (errors != 0) {
                ExternalTool.Result trail = ExternalTool.run(dir, spin(spin, "-t -p -g", defines), Duration.ofMinutes(1));
                fail(name + ": SPIN found two proposers concluding different values for a slot:\n" + out
                        + "\nthe counterexample (its last steps):\n" + tail(trail.output(), 120));
            }
            assertTrue(out.contains("Full statespace search"), name + ": not a full search:\n" + out);
            long stored = Long.parseLong(find(STORED, out, name));
            assertTrue(stored >= MIN_STATES, name + ": only " + stored + " states, fewer than " + MIN_STATES + ":\n" + out);
        }
    }

    /** spin with {@code flags} (space-separated) and the run's defines, on the model. */
    private static List<String> spin(Path spin, String flags, List<String> defines) {
        List<String> command = new ArrayList<>(List.of(spin.toString()));
        command.addAll(List.of(flags.split(" ")));
        command.addAll(defines);
        command.add("reconfiguration.pml");
        return command;
    }

    private static void expectExit0(ExternalTool.Result r, String what) {
        assertEquals(0, r.exit(), what + " failed:\n" + r.output());
    }

    private static String find(Pattern p, String out, String name) {
        Matcher m = p.matcher(out);
        assertTrue(m.find(), name + ": no '" + p.pattern() + "' in SPIN's output:\n" + out);
        return m.group(1);
    }

    private static String tail(String s, int lines) {
        String[] all = s.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
