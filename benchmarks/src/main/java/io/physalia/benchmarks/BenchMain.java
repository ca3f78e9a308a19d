package io.physalia.benchmarks;

import io.physalia.benchmarks.physalia.PhysaliaColony;
import io.physalia.benchmarks.physalia.PhysaliaIdle;
import io.physalia.benchmarks.physalia.PhysaliaLatency;
import io.physalia.benchmarks.physalia.PhysaliaThroughput;
import io.physalia.benchmarks.ratis.RatisCluster;
import io.physalia.benchmarks.ratis.RatisIdle;
import io.physalia.benchmarks.ratis.RatisLatency;
import io.physalia.benchmarks.ratis.RatisThroughput;
import io.physalia.node.local.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The benchmarks of the node (issue 3): latency, throughput and idle footprint of Physalia
 * nodes, and Apache Ratis measured the same way in the same run. Progress goes to stderr; the
 * results table (markdown) to stdout. See docs/benchmarks.md.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (BenchOptions.BadOptions e) {
            System.err.println("physalia-benchmarks: " + e.getMessage().replace("\n", "\nphysalia-benchmarks: "));
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        Consumer<String> progress = line -> System.err.println(line);
        Report report;
        try {
            report = run(o, progress);
        } catch (Exception e) {
            System.err.println("physalia-benchmarks: failed: " + e);
            e.printStackTrace();
            System.exit(1); // client libraries leave non-daemon threads behind
            return;
        }
        report.print(System.out, "physalia-benchmarks " + String.join(" ", args));
        System.exit(0);
    }

    /** Runs the benchmarks {@code o} asks for and returns their rows. */
    public static Report run(BenchOptions o, Consumer<String> progress) throws Exception {
        quietLogging();
        Path work = o.workDir() != null ? o.workDir().toAbsolutePath() : Files.createTempDirectory("physalia-bench");
        Files.createDirectories(work);
        progress.accept("work directory " + work + (o.keep() ? " (kept)" : " (deleted at the end)"));
        Report report = new Report();
        try {
            LatencyRecorder fsync = FsyncProbe.measure(work, 200, o.payloadBytes() + 64);
            report.add(Row.of("disk: fsync of a small append, p50 / p99", fsync.millis(50), "ms", new Row.None(),
                    String.format(Locale.ROOT, "p99 %.3f ms; every committed write waits for at least one on a majority", fsync.millis(99))));
            if (o.runs("latency") || o.runs("throughput")) {
                colonyBenchmarks(o, work, report, progress);
            }
            if (o.runs("idle")) {
                idleBenchmarks(o, work, report, progress);
            }
        } finally {
            if (!o.keep()) {
                deleteTree(work);
            }
        }
        return report;
    }

    private static void colonyBenchmarks(BenchOptions o, Path work, Report report, Consumer<String> progress) throws Exception {
        LatencyResult ours = null;
        List<ThroughputResult> oursLoad = new ArrayList<>();
        progress.accept("Physalia: starting " + o.nodes() + " nodes");
        try (PhysaliaColony colony = new PhysaliaColony(work.resolve("physalia"), o.nodes(), o.jvmFlags())) {
            colony.startAll(progress);
            if (o.runs("latency")) {
                progress.accept("Physalia latency");
                ours = PhysaliaLatency.run(colony, o, progress);
            }
            if (o.runs("throughput")) {
                for (int cells : o.cells()) {
                    progress.accept(String.format("Physalia throughput, %,d cells", cells));
                    oursLoad.add(PhysaliaThroughput.run(colony, cells, o, progress));
                }
            }
        }
        LatencyResult theirs = null;
        String latencyFailure = null;
        List<ThroughputResult> theirLoad = new ArrayList<>();
        List<String> loadFailure = new ArrayList<>();
        if (o.ratis()) {
            progress.accept("Ratis: starting " + o.nodes() + " peers");
            try (RatisCluster cluster = new RatisCluster(work.resolve("ratis"), o.nodes(), o.jvmFlags())) {
                cluster.startAll(progress);
                if (o.runs("latency")) {
                    progress.accept("Ratis latency");
                    try {
                        theirs = RatisLatency.run(cluster, o, progress);
                    } catch (Exception e) {
                        latencyFailure = "failed: " + e.getMessage();
                        progress.accept("  Ratis latency " + latencyFailure);
                    }
                }
                if (o.runs("throughput")) {
                    for (int cells : o.cells()) {
                        int groups = Math.min(cells, o.ratisMaxGroups());
                        progress.accept(String.format("Ratis throughput, %,d groups", groups));
                        try {
                            theirLoad.add(RatisThroughput.run(cluster, groups, o, progress));
                            loadFailure.add(null);
                        } catch (Exception e) {
                            theirLoad.add(null);
                            loadFailure.add("failed with " + groups + " groups: " + e.getMessage());
                            progress.accept("  Ratis throughput " + loadFailure.getLast());
                        }
                    }
                }
            }
        }
        if (ours != null) {
            latencyRows(o, ours, theirs, latencyFailure, report);
        }
        for (int i = 0; i < oursLoad.size(); i++) {
            throughputRows(o, oursLoad.get(i), theirLoad.isEmpty() ? null : theirLoad.get(i),
                    loadFailure.isEmpty() ? (o.ratis() ? null : "not run (--ratis off)") : loadFailure.get(i), report);
        }
    }

    private static void latencyRows(BenchOptions o, LatencyResult ours, LatencyResult theirs, String failure, Report report) {
        String where = String.format(" (1 cell of %d, sequential)", o.nodes());
        String why = !o.ratis() ? "not run (--ratis off)" : failure;
        report.add(ratis(Row.of("write latency p50" + where, ours.writes().millis(50), "ms", new Row.None(), null),
                theirs == null ? null : theirs.writes().millis(50), why));
        String syncs = Double.isNaN(ours.leaderSyncsPerWrite()) ? null : String.format(Locale.ROOT,
                "the leader's node log synced %.2f times per write (the reply waits for each), plus the followers' syncs in between", ours.leaderSyncsPerWrite());
        report.add(ratis(Row.of("write latency p99" + where, ours.writes().millis(99), "ms", new Row.AtMost(3, "ms"), syncs),
                theirs == null ? null : theirs.writes().millis(99), why));
        report.add(ratis(Row.of("write latency p99.9" + where, ours.writes().millis(99.9), "ms", new Row.None(), null),
                theirs == null ? null : theirs.writes().millis(99.9), why));
        String lease = String.format(Locale.ROOT, "at the leader; %.1f%% answered locally under the leader lease, the rest through the log",
                ours.localReadShare() * 100);
        report.add(ratis(Row.of("linearizable read p50" + where, ours.linearizableReads().millis(50), "ms", new Row.None(), lease),
                theirs == null ? null : theirs.linearizableReads().millis(50), why));
        report.add(ratis(Row.of("linearizable read p99" + where, ours.linearizableReads().millis(99), "ms", new Row.AtMost(1, "ms"), lease),
                theirs == null ? null : theirs.linearizableReads().millis(99), why == null ? "LINEARIZABLE read option with leader lease" : why));
        report.add(ratis(Row.of("linearizable read p99.9" + where, ours.linearizableReads().millis(99.9), "ms", new Row.None(), null),
                theirs == null ? null : theirs.linearizableReads().millis(99.9), why));
        report.add(ratis(Row.of("eventual read at a follower p50" + where, ours.followerReads().millis(50), "ms", new Row.None(), null),
                theirs == null ? null : theirs.followerReads().millis(50), why == null ? "stale read at a follower" : why));
        report.add(ratis(Row.of("eventual read at a follower p99" + where, ours.followerReads().millis(99), "ms", new Row.None(), null),
                theirs == null ? null : theirs.followerReads().millis(99), why == null ? "stale read at a follower" : why));
        if (ours.requestFloor() != null) {
            report.add(Row.of("HTTP round trip without cell work (GET /healthz at the leader) p50", ours.requestFloor().millis(50), "ms",
                    new Row.None(), String.format(Locale.ROOT, "p99 %.3f ms; the JDK HTTP client and Vert.x server, paid by every figure above",
                            ours.requestFloor().millis(99))));
        }
    }

    private static void throughputRows(BenchOptions o, ThroughputResult ours, ThroughputResult theirs, String failure, Report report) {
        int cores = Runtime.getRuntime().availableProcessors();
        String note = String.format(Locale.ROOT, "%d in flight over %d s; nodes used %.2f of %d cores, the load driver %.2f; %,.0f log syncs/s over all nodes; %,d failed or retried",
                o.concurrency(), o.measureSeconds(), ours.serverCores(), cores, ours.driverCores(), ours.syncsPerSecond(), ours.load().failed());
        String ratisNote = failure;
        if (theirs != null) {
            ratisNote = String.format(Locale.ROOT, "%s%d groups; peers used %.2f cores, the load driver %.2f; %,d failed or retried",
                    theirs.cells() < ours.cells() ? "measured with only " : "", theirs.cells(), theirs.serverCores(), theirs.driverCores(),
                    theirs.load().failed());
        }
        report.add(Row.of(String.format("committed writes/s, %,d cells of %d", ours.cells(), o.nodes()), ours.load().perSecond(), "writes/s",
                new Row.AtLeastTimesRatis(2), note).withRatis(theirs == null ? null : theirs.load().perSecond(), ratisNote));
        report.add(Row.of(String.format("write latency p99 under that load, %,d cells", ours.cells()), ours.load().latency().millis(99), "ms",
                new Row.None(), null).withRatis(theirs == null ? null : theirs.load().latency().millis(99), theirs == null ? failure : null));
    }

    private static void idleBenchmarks(BenchOptions o, Path work, Report report, Consumer<String> progress) throws Exception {
        IdleResult ours;
        progress.accept(String.format("Physalia idle: %,d replicas on one node", o.replicas()));
        try (PhysaliaColony colony = new PhysaliaColony(work.resolve("physalia-idle"), o.nodes(), o.jvmFlags())) {
            ours = PhysaliaIdle.run(colony, o, progress);
        }
        IdleResult theirs = null;
        String failure = o.ratis() ? null : "not run (--ratis off)";
        if (o.ratis()) {
            int groups = Math.min(o.replicas(), o.ratisIdleGroups());
            progress.accept(String.format("Ratis idle: %,d groups on %d peers", groups, o.nodes()));
            try (RatisCluster cluster = new RatisCluster(work.resolve("ratis-idle"), o.nodes(), o.jvmFlags())) {
                cluster.startAll(progress);
                theirs = RatisIdle.run(cluster, groups, o, progress);
            } catch (Exception e) {
                failure = "failed with " + groups + " groups: " + e.getMessage();
                progress.accept("  Ratis idle " + failure);
            }
        }
        String counts = theirs == null ? failure : String.format("%,d groups on every one of %d peers (all running)", theirs.replicas(), o.nodes());
        String what = String.format("%,d replicas on one node", ours.replicas());
        String noise = ours.heapBytesPerReplica() <= 0 ? "within the measurement's noise (a few hundred KB): host more replicas; " : "";
        report.add(Row.of("heap per idle replica, " + what, ours.heapBytesPerReplica(), "B", new Row.AtMost(2048, "B"),
                noise + "live heap after full GC, minus the same node's with 1 replica; most heap: " + String.join(", ", ours.topClasses()))
                .withRatis(theirs == null ? null : theirs.heapBytesPerReplica(), counts));
        report.add(Row.of("resident memory per idle replica, " + what, ours.rssBytesPerReplica(), "B", new Row.None(),
                "RSS minus the 1-replica baseline's: heap the JVM took from the OS, thread stacks, direct buffers")
                .withRatis(theirs == null ? null : theirs.rssBytesPerReplica(), theirs == null ? failure : null));
        report.add(Row.of("CPU per idle replica, " + what, ours.cpuMicrosPerReplicaPerMinute(), "µs/min", new Row.None(),
                String.format("process CPU over %d idle s, minus the 1-replica baseline's", o.idleSeconds()))
                .withRatis(theirs == null ? null : theirs.cpuMicrosPerReplicaPerMinute(), theirs == null ? failure : "per group on a peer; leaders send heartbeats"));
        report.add(Row.of("restart after kill -9 until serving, " + what, ours.restartSeconds(), "s", new Row.AtMost(10, "s"),
                String.format(Locale.ROOT, "JVM start to /readyz %.2f s, then %d random replicas answer a read (16 asked at a time)", ours.readySeconds(), o.sampleReads()))
                .withRatis(theirs == null ? null : theirs.restartSeconds(), theirs == null ? failure
                        : String.format(Locale.ROOT, "%,d groups; ready line after %.2f s, then stale reads through it", theirs.replicas(), theirs.readySeconds())));
        report.add(Row.of("replicas hosted per second on one node, admin API", ours.hostPerSecond(), "replicas/s", new Row.None(),
                "64 PUT /admin/cells in flight; each waits for its identity record's group commit")
                .withRatis(theirs == null ? null : theirs.hostPerSecond(), theirs == null ? failure : "group management add on all peers, 16 in flight; per peer"));
    }

    /**
     * Warnings only, and not the Ratis client's per-retry errors: it logs every NotLeader answer
     * it then follows, at ERROR (set before the first logger is made).
     */
    static void quietLogging() {
        if (System.getProperty(ChildJvm.LOG_LEVEL) == null) {
            System.setProperty(ChildJvm.LOG_LEVEL, "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.client.impl.OrderedAsync", "off");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.client.impl.BlockingImpl", "off");
        // closing a client's channels warns when a peer is slow to say goodbye; nothing is lost
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.grpc.GrpcUtil", "error");
    }

    private static Row ratis(Row r, Double ratisValue, String why) {
        return r.withRatis(ratisValue, why);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
