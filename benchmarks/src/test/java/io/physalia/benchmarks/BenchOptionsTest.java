package io.physalia.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BenchOptionsTest {
    @Test
    void defaultsAreTheIssuesFullConfiguration() throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"all"});
        assertEquals(7, o.nodes());
        assertEquals(List.of(1000, 10000), o.cells());
        assertEquals(100_000, o.replicas());
        assertEquals(20_000, o.warmupOps(), "long enough for the nodes' JIT");
        assertEquals(60, o.idleSeconds());
        assertTrue(o.ratis());
        assertTrue(o.runs("latency") && o.runs("throughput") && o.runs("failover") && o.runs("idle"));
        assertFalse(o.keep());
        assertEquals(10, o.kills());
        assertEquals(28, o.colonyNodes());
        assertEquals(100, o.colonyCells());
        assertEquals(List.of(), o.nodeFlags());
    }

    @Test
    void failoverTakesKillsAndNodeFlagsButNotTheFlagsTheBenchmarkOwns() throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"failover", "--kills", "3", "--node-flags", " --leader-lease-ms 1000 "});
        assertEquals(3, o.kills());
        assertEquals(List.of("--leader-lease-ms", "1000"), o.nodeFlags());
        assertTrue(o.runs("failover") && !o.runs("latency"));
        BenchOptions.BadOptions e = assertThrows(BenchOptions.BadOptions.class,
                () -> BenchOptions.parse(new String[] {"failover", "--kills", "0", "--node-flags", "--data-dir /x"}));
        assertTrue(e.getMessage().contains("--kills 0 is out of range"), e.getMessage());
        assertTrue(e.getMessage().contains("--node-flags must not set --data-dir"), e.getMessage());
        e = assertThrows(BenchOptions.BadOptions.class,
                () -> BenchOptions.parse(new String[] {"failover", "--node-flags", "leader-lease-ms 5"}));
        assertTrue(e.getMessage().contains("--node-flags must start with a node flag"), e.getMessage());
    }

    @Test
    void flagsInBothSpellings() throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"latency", "--nodes", "3", "--samples=50", "--ratis", "off",
                "--jvm-flags", "-Xmx256m -XX:+UseSerialGC", "--work-dir", "/tmp/x"});
        assertEquals(3, o.nodes());
        assertEquals(50, o.samples());
        assertFalse(o.ratis());
        assertEquals(List.of("-Xmx256m", "-XX:+UseSerialGC"), o.jvmFlags());
        assertTrue(o.keep(), "a given --work-dir is kept unless --keep false");
        assertTrue(o.runs("latency") && !o.runs("idle"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bench|unknown subcommand 'bench'",
            "all --nodes 0|--nodes 0 is out of range",
            "all --nodes x|--nodes 'x' is not a whole number",
            "all --cells 10,,20|--cells entry '' must be a whole number",
            "all --ratis maybe|--ratis 'maybe' must be on or off",
            "all --frobnicate 1|unknown flag --frobnicate",
            "all --samples 1 --samples 2|flag --samples given twice",
            "all --jvm-flags Xmx1g|--jvm-flags entry 'Xmx1g' is not a JVM flag",
            "all stray|unexpected argument 'stray'",
            "all --keep|flag --keep needs a value"})
    void badFlagsAreNamed(String line, String message) {
        BenchOptions.BadOptions e = assertThrows(BenchOptions.BadOptions.class, () -> BenchOptions.parse(line.split(" ")));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        BenchOptions.BadOptions e = assertThrows(BenchOptions.BadOptions.class,
                () -> BenchOptions.parse(new String[] {"idle", "--replicas", "-5", "--idle-seconds", "0"}));
        assertTrue(e.getMessage().contains("--replicas") && e.getMessage().contains("--idle-seconds"), e.getMessage());
    }
}
