package io.physalia.benchmarks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every benchmark end to end in a tiny configuration (3 nodes, a few cells, a few hundred
 * idle replicas, etcd and Ratis included; etcd is the binary the module's build makes) to prove
 * the programs produce figures. It asserts that figures
 * exist and make sense, never how fast anything was: this machine's timings mean nothing.
 */
class BenchSmokeTest {

    @Test
    void everyBenchmarkProducesItsFigures(@TempDir Path dir) throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {"all", "--nodes", "3", "--warmup-ops", "5", "--samples", "20",
                "--cells", "4", "--concurrency", "4", "--warmup-seconds", "1", "--measure-seconds", "2",
                "--replicas", "300", "--idle-seconds", "1", "--sample-reads", "10", "--ratis-idle-groups", "3", "--kills", "1", "--colony-nodes", "4", "--colony-cells", "2",
                "--work-dir", dir.toString(), "--jvm-flags", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"});
        o.checkMachine();
        Report report = BenchMain.run(o, line -> System.out.println(line));
        report.print(System.out, "smoke");
        List<Row> rows = report.rows();

        for (String name : List.of("write latency p99", "linearizable read p99", "eventual read at a follower p99")) {
            Row r = row(rows, name);
            assertTrue(r.value() > 0, name + " has a figure");
            for (String system : List.of("etcd", "Ratis")) {
                assertNotNull(r.valueOf(system), system + " " + name + ": " + r.other(system));
                assertTrue(r.valueOf(system) > 0, system + " " + name);
            }
        }
        assertNotNull(row(rows, "write latency p50").verdict(), "the write p50 is judged against etcd's");
        assertNotNull(row(rows, "linearizable read p50").verdict(), "the read p50 is judged against etcd's");
        assertNotNull(row(rows, "write latency p99").verdict(), "the write target is judged");
        assertNotNull(row(rows, "linearizable read p99").verdict(), "the read target is judged");
        Row load = row(rows, "committed writes/s, 4 cells");
        assertTrue(load.value() > 0, "some writes committed");
        for (String system : List.of("etcd", "Ratis")) {
            assertNotNull(load.valueOf(system), system + " throughput: " + load.other(system));
            assertTrue(load.valueOf(system) > 0, "some " + system + " writes committed");
        }
        assertNotNull(load.verdict(), "throughput is judged against etcd's");
        Row cpuPerWrite = row(rows, "server CPU per committed write, 4 cells");
        assertTrue(cpuPerWrite.value() > 0 && cpuPerWrite.valueOf("etcd") > 0, "CPU per write of both: " + cpuPerWrite);
        assertNotNull(cpuPerWrite.verdict());
        Row memory = row(rows, "resident memory per server process after the load, 4 cells");
        assertTrue(memory.value() > 0 && memory.valueOf("etcd") > 0, "RSS of both: " + memory);
        assertNotNull(memory.verdict());

        Row failover = row(rows, "failover p99");
        assertTrue(failover.value() > 0, "a kill was followed by a commit: " + failover);
        assertTrue(failover.valueOf("etcd") > 0, "etcd's failover: " + failover.other("etcd"));
        assertNotNull(failover.verdict(), "the failover target is judged");
        assertNull(failover.valueOf("Ratis"), "Ratis's failover is not measured, and the row says so");

        Row idleColony = row(rows, "CPU of an idle colony, 4 nodes");
        assertTrue(idleColony.value() > 0, "idle nodes still use some CPU: " + idleColony);
        assertNotNull(idleColony.verdict());

        Row heap = row(rows, "heap per idle replica");
        assertFalse(Double.isNaN(heap.value()), "a heap figure (a few hundred replicas are within its noise, so not its sign)");
        assertNotNull(heap.valueOf("Ratis"), "Ratis heap: " + heap.other("Ratis"));
        Row cpu = row(rows, "CPU per idle replica");
        assertFalse(Double.isNaN(cpu.value()));
        Row restart = row(rows, "restart after kill -9");
        assertTrue(restart.value() > 0);
        assertNotNull(restart.valueOf("Ratis"), "Ratis restart: " + restart.other("Ratis"));
        assertNotNull(restart.verdict());
        assertFalse(Double.isNaN(row(rows, "disk: fsync").value()));
    }

    private static Row row(List<Row> rows, String prefix) {
        return rows.stream().filter(r -> r.benchmark().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no row '" + prefix + "' in " + rows.stream().map(Row::benchmark).toList()));
    }
}
