package io.physalia.benchmarks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every benchmark end to end in a tiny configuration (3 nodes, a few cells, a few hundred
 * idle replicas, Ratis included) to prove the programs produce figures. It asserts that figures
 * exist and make sense, never how fast anything was: this machine's timings mean nothing.
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkProducesItsFigures(@TempDir Path dir) throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"all", "--nodes", "3", "--warmup-ops", "5", "--samples", "20",
                "--cells", "4", "--concurrency", "4", "--warmup-seconds", "1", "--measure-seconds", "2",
                "--replicas", "300", "--idle-seconds", "1", "--sample-reads", "10", "--ratis-idle-groups", "3",
                "--work-dir", dir.toString(), "--jvm-flags", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"});
        Report report = BenchMain.run(o, line -> System.out.println(line));
        report.print(System.out, "smoke");
        List<Row> rows = report.rows();

        for (String name : List.of("write latency p99", "linearizable read p99", "eventual read at a follower p99")) {
            Row r = row(rows, name);
            assertTrue(r.value() > 0, name + " has a figure");
            assertNotNull(r.ratisValue(), "Ratis " + name + ": " + r.ratisNote());
            assertTrue(r.ratisValue() > 0, "Ratis " + name);
        }
        assertNotNull(row(rows, "write latency p99").verdict(), "the write target is judged");
        assertNotNull(row(rows, "linearizable read p99").verdict(), "the read target is judged");
        Row load = row(rows, "committed writes/s, 4 cells");
        assertTrue(load.value() > 0, "some writes committed");
        assertNotNull(load.ratisValue(), "Ratis throughput: " + load.ratisNote());
        assertTrue(load.ratisValue() > 0, "some Ratis writes committed");
        assertNotNull(load.verdict());

        Row heap = row(rows, "heap per idle replica");
        assertFalse(Double.isNaN(heap.value()), "a heap figure (a few hundred replicas are within its noise, so not its sign)");
        assertNotNull(heap.ratisValue(), "Ratis heap: " + heap.ratisNote());
        Row cpu = row(rows, "CPU per idle replica");
        assertFalse(Double.isNaN(cpu.value()));
        Row restart = row(rows, "restart after kill -9");
        assertTrue(restart.value() > 0);
        assertNotNull(restart.ratisValue(), "Ratis restart: " + restart.ratisNote());
        assertNotNull(restart.verdict());
        assertFalse(Double.isNaN(row(rows, "disk: fsync").value()));
    }

    private static Row row(List<Row> rows, String prefix) {
        return rows.stream().filter(r -> r.benchmark().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + prefix + "' in " + rows.stream().map(Row::benchmark).toList()));
    }
}
