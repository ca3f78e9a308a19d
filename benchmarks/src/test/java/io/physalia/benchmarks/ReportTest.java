package io.physalia.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReportTest {
    @Test
    void verdictsFollowTheTargets() {
        assertEquals("MET", Row.of("w", 2.5, "ms", new Row.AtMost(3, "ms"), null).verdict());
        assertEquals("MISSED", Row.of("w", 3.5, "ms", new Row.AtMost(3, "ms"), null).verdict());
        Row t = Row.of("t", 1000, "writes/s", new Row.AtLeastTimesRatis(2), null);
        assertNull(t.verdict(), "no Ratis figure, nothing to judge");
        assertEquals("MET", t.withRatis(400.0, null).verdict());
        assertEquals("MISSED", t.withRatis(600.0, null).verdict());
        assertNull(Row.of("c", 1, "ms", new Row.None(), null).verdict());
    }

    @Test
    void printsAMarkdownTableWithRatiosAndNotes() {
        Report r = new Report();
        r.add(Row.of("write p99", 2.0, "ms", new Row.AtMost(3, "ms"), "a|b").withRatis(4.0, null));
        r.add(Row.of("heap", 700, "B", new Row.AtMost(2048, "B"), null).withRatis(null, "failed: x"));
        r.add(Row.of("rss", 900, "B", new Row.None(), null).withRatis(null, "failed: x"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8), "physalia-benchmarks all");
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("| write p99 | 2 ms | <= 3 ms | **MET** | 4 ms | 0.50 | a/b |"), s);
        assertTrue(s.contains("| heap | 700 B | <= 2,048 B | **MET** | not measured | - | Ratis: failed: x |"), s);
        assertTrue(s.contains("| rss | 900 B | - | - | not measured | - | Ratis: as above |"), s);
        assertTrue(s.contains("Command: `physalia-benchmarks all`") && s.contains("Machine: "), s);
    }

    @Test
    void classNamesAreReadable() {
        assertEquals("byte[]", JvmProbe.readable("[B"));
        assertEquals("java.lang.Object[]", JvmProbe.readable("[Ljava.lang.Object;"));
        assertEquals("int[][]", JvmProbe.readable("[[I"));
        assertEquals("java.lang.String", JvmProbe.readable("java.lang.String"));
    }
}
