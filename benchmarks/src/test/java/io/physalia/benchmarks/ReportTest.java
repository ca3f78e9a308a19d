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
        Row t = Row.of("t", 1000, "writes/s", new Row.AtLeastTimes(1.5, "etcd"), null);
        assertNull(t.verdict(), "no etcd figure, nothing to judge");
        assertNull(t.with("etcd", null, "failed: x").verdict(), "etcd not measured, nothing to judge");
        assertEquals("MET", t.with("etcd", 600.0, null).verdict());
        assertEquals("MISSED", t.with("etcd", 700.0, null).verdict());
        assertNull(t.with("Ratis", 10.0, null).verdict(), "another system's figure does not judge an etcd target");
        Row p50 = Row.of("p50", 2.0, "ms", new Row.AtMostTimes(1, "etcd"), null);
        assertEquals("MET", p50.with("etcd", 2.0, null).verdict(), "at etcd's is at or below it");
        assertEquals("MISSED", p50.with("etcd", 1.9, null).verdict());
        assertEquals(1.9, p50.with("etcd", 3.0, null).with("etcd", 1.9, null).valueOf("etcd"), "a second figure replaces the first");
        assertNull(Row.of("c", 1, "ms", new Row.None(), null).verdict());
    }

    @Test
    void printsAMarkdownTableWithAColumnPairPerSystem() {
        Report r = new Report();
        r.add(Row.of("write p99", 2.0, "ms", new Row.AtMost(3, "ms"), "a|b").with("etcd", 1.0, null).with("Ratis", 4.0, null));
        r.add(Row.of("heap", 700, "B", new Row.AtMost(2048, "B"), null).with("Ratis", null, "failed: x"));
        r.add(Row.of("rss", 900, "B", new Row.None(), null).with("Ratis", null, "failed: x"));
        r.add(Row.of("fsync", 0.1, "ms", new Row.None(), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.print(new PrintStream(out, true, StandardCharsets.UTF_8), "physalia-benchmarks all");
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("| benchmark | ours | target | verdict | etcd | ours / etcd | Ratis | ours / Ratis | notes |"), s);
        assertTrue(s.contains("| write p99 | 2 ms | <= 3 ms | **MET** | 1 ms | 2.00 | 4 ms | 0.50 | a/b |"), s);
        assertTrue(s.contains("| heap | 700 B | <= 2,048 B | **MET** | - | - | not measured | - | Ratis: failed: x |"), s);
        assertTrue(s.contains("| rss | 900 B | - | - | - | - | not measured | - | Ratis: as above |"), s);
        assertTrue(s.contains("| fsync | 0.100 ms | - | - | - | - | - | - |  |"), s);
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
