package io.physalia.core.paxos.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Scripted, data-driven tests of the roles (in the manner of etcd-io/raft's interaction tests):
 * every {@code src/test/resources/paxos-scripts/*.txt} is a sequence of blocks
 *
 * <pre>
 * # comments between blocks
 * command args
 * ----
 * the output the command must produce
 * (ends at a blank line)
 * </pre>
 *
 * run against a fresh {@link RoleScript}. {@code -Dpaxos.scripts.rewrite=true} writes the
 * actual output into the scripts instead of comparing (then read the diff before committing).
 */
class RoleScriptTest {
    private static final Path DIR = Path.of("src/test/resources/paxos-scripts");
    private static final boolean REWRITE = Boolean.getBoolean("paxos.scripts.rewrite");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no scripts in " + DIR.toAbsolutePath());
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        RoleScript script = new RoleScript();
        StringBuilder rewritten = new StringBuilder();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                rewritten.append(line).append('\n');
                i++;
                continue;
            }
            int at = i + 1;
            if (at >= lines.size() || !lines.get(at).equals("----")) {
                throw new IllegalArgumentException(file + ":" + at + ": expected ---- after the command");
            }
            StringBuilder expected = new StringBuilder();
            int j = at + 1;
            for (; j < lines.size() && !lines.get(j).isEmpty(); j++) {
                expected.append(lines.get(j)).append('\n');
            }
            String actual = script.run(line);
            rewritten.append(line).append("\n----\n").append(actual).append('\n');
            if (!REWRITE) {
                assertEquals(expected.toString(), actual, file.getFileName() + ":" + (i + 1) + ": " + line);
            }
            i = j + 1; // past the blank line that ends the block
        }
        if (REWRITE) {
            String text = rewritten.toString().replaceAll("\n+$", "\n");
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
    }
}
