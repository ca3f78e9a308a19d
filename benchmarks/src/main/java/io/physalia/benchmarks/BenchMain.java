package io.physalia.benchmarks;

import io.physalia.benchmarks.physalia.PhysaliaColony;
import io.physalia.benchmarks.physalia.PhysaliaColonyIdle;
import io.physalia.benchmarks.physalia.PhysaliaFailover;
import io.physalia.benchmarks.physalia.PhysaliaIdle;
import io.physalia.benchmarks.physalia.PhysaliaLatency;
import io.physalia.benchmarks.physalia.PhysaliaThroughput;
import io.physalia.benchmarks.etcd.EtcdCluster;
import io.physalia.benchmarks.etcd.EtcdFailover;
import io.physalia.benchmarks.etcd.EtcdLatency;
import io.physalia.benchmarks.etcd.EtcdThroughput;
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
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The benchmarks of the node (issues 3 and 12): latency, throughput and idle footprint of
 * Physalia nodes, with etcd (latency and throughput) and Apache Ratis measured the same way in
 * the same run, one system after the other. Progress goes to stderr; the
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
        try {
            o.checkMachine();
        } catch (BenchOptions.BadOptions e) {
            System.err.println("physalia-benchmarks: " + e.getMessage());
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
            if (o.runsSideBySide()) {
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

    /** One other system's side of the colony benchmarks, started once for all of its parts. */
    private interface Side extends AutoCloseable {
        LatencyResult latency() throws Exception;

        ThroughputResult throughput(int cells) throws Exception;

        Failover.Result failover() throws Exception;

        /** {@code cluster} started by {@code start} (closed if that fails), measured by the parts ({@code failover} null: not measured). */
        static <C extends AutoCloseable> Side of(C cluster, Start<C> start, Part<C, LatencyResult> latency,
                                                  Load<C> throughput, Part<C, Failover.Result> failover) throws Exception {
            try {
                start.run(cluster);
            } catch (Exception e) {
                cluster.close();
                throw e;
            }
            return new Side() {
                public LatencyResult latency() throws Exception {
                    return latency.run(cluster);
                }

                public ThroughputResult throughput(int cells) throws Exception {
                    return throughput.run(cluster, cells);
                }

                public Failover.Result failover() throws Exception {
                    if (failover == null) {
                        throw new UnsupportedOperationException("not measured for this system");
                    }
                    return failover.run(cluster);
                }

                public void close() throws Exception {
                    cluster.close();
                }
            };
        }
    }

    @FunctionalInterface
    private interface Start<C> {
        void run(C cluster) throws Exception;
    }

    @FunctionalInterface
    private interface Part<C, R> {
        R run(C cluster) throws Exception;
    }

    @FunctionalInterface
    private interface Load<C> {
        ThroughputResult run(C cluster, int cells) throws Exception;
    }

    @FunctionalInterface
    private interface SideStarter {
        Side start() throws Exception;
    }

    /**
     * What another system measured: its latency (or why not) and one throughput result per cell
     * count (or why not). {@code notes}: what its figures mean, by row kind ("linearizable",
     * "eventual", "load": a note made from its throughput result).
     */
    private record Measured(String system, LatencyResult latency, String latencyFailure, List<ThroughputResult> load,
                            List<String> loadFailure, Failover.Result failover, String failoverFailure, Map<String, String> notes,
                            java.util.function.BiFunction<ThroughputResult, Integer, String> loadNote) {
        String latencyWhy(String kind) {
            return latency == null ? latencyFailure : notes.get(kind);
        }
    }

    private static void colonyBenchmarks(BenchOptions o, Path work, Report report, Consumer<String> progress) throws Exception {
        LatencyResult ours = null;
        List<ThroughputResult> oursLoad = new ArrayList<>();
        Failover.Result oursFailover = null;
        progress.accept("Physalia: starting " + o.nodes() + " nodes");
        try (PhysaliaColony colony = new PhysaliaColony(work.resolve("physalia"), o.nodes(), o.jvmFlags(), o.nodeFlags())) {
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
            if (o.runs("failover")) {
                progress.accept("Physalia failover"); // last: it kills nodes
                oursFailover = PhysaliaFailover.run(colony, o, progress);
            }
        }
        List<Measured> others = new ArrayList<>();
        others.add(measure("etcd", o.etcd(), "--etcd off", o, progress, Map.of(
                "linearizable", "linearizable range at the leader (a ReadIndex round)",
                "eventual", "serializable range at a follower"),
                (theirs, ourCells) -> String.format(Locale.ROOT, "%,d keys in one group of %d members; members used %.2f cores, the load driver %.2f; %,d failed or retried",
                        theirs.cells(), o.nodes(), theirs.serverCores(), theirs.driverCores(), theirs.load().failed()),
                () -> Side.of(new EtcdCluster(o.etcdBinary(), work.resolve("etcd"), o.nodes()), c -> c.startAll(progress),
                        c -> EtcdLatency.run(c, o, progress), (c, cells) -> EtcdThroughput.run(c, cells, o, progress),
                        c -> EtcdFailover.run(c, o, progress))));
        boolean ratisParts = o.runs("latency") || o.runs("throughput"); // its failover is not measured: start it only for these
        others.add(measure("Ratis", o.ratis() && ratisParts, ratisParts ? "--ratis off" : "failover is not measured for Ratis", o, progress, Map.of(
                "linearizable", "LINEARIZABLE read option with leader lease",
                "eventual", "stale read at a follower"),
                (theirs, ourCells) -> String.format(Locale.ROOT, "%s%d groups; peers used %.2f cores, the load driver %.2f; %,d failed or retried",
                        theirs.cells() < ourCells ? "measured with only " : "", theirs.cells(), theirs.serverCores(), theirs.driverCores(),
                        theirs.load().failed()),
                () -> Side.of(new RatisCluster(work.resolve("ratis"), o.nodes(), o.jvmFlags()), c -> c.startAll(progress),
                        c -> RatisLatency.run(c, o, progress),
                        (c, cells) -> RatisThroughput.run(c, Math.min(cells, o.ratisMaxGroups()), o, progress), null)));
        if (ours != null) {
            latencyRows(o, ours, others, report);
        }
        for (int i = 0; i < oursLoad.size(); i++) {
            throughputRows(o, oursLoad.get(i), i, others, report);
        }
        if (oursFailover != null) {
            failoverRows(o, oursFailover, others, report);
        }
    }

    /** Runs {@code system}'s parts that {@code o} asks for, each failure kept as the reason its figures are missing. */
    private static Measured measure(String system, boolean enabled, String offFlag, BenchOptions o, Consumer<String> progress,
                                    Map<String, String> notes, java.util.function.BiFunction<ThroughputResult, Integer, String> loadNote,
                                    SideStarter starter) {
        List<ThroughputResult> load = new ArrayList<>();
        List<String> loadFailure = new ArrayList<>();
        int loads = o.runs("throughput") ? o.cells().size() : 0;
        if (!enabled) {
            String why = "not run (" + offFlag + ")";
            for (int i = 0; i < loads; i++) {
                load.add(null);
                loadFailure.add(why);
            }
            return new Measured(system, null, why, load, loadFailure, null, o.runs("failover") ? why : null, notes, loadNote);
        }
        LatencyResult latency = null;
        String latencyFailure = null;
        Failover.Result failover = null;
        String failoverFailure = null;
        progress.accept(system + ": starting " + o.nodes() + " members");
        try (Side side = starter.start()) {
            if (o.runs("latency")) {
                progress.accept(system + " latency");
                try {
                    latency = side.latency();
                } catch (Exception e) {
                    latencyFailure = "failed: " + e.getMessage();
                    progress.accept("  " + system + " latency " + latencyFailure);
                }
            }
            for (int i = 0; i < loads; i++) {
                int cells = o.cells().get(i);
                progress.accept(String.format("%s throughput, %,d cells", system, cells));
                try {
                    load.add(side.throughput(cells));
                    loadFailure.add(null);
                } catch (Exception e) {
                    load.add(null);
                    loadFailure.add("failed with " + cells + " cells: " + e.getMessage());
                    progress.accept("  " + system + " throughput " + loadFailure.getLast());
                }
            }
            if (o.runs("failover")) {
                progress.accept(system + " failover");
                try {
                    failover = side.failover();
                } catch (UnsupportedOperationException e) {
                    failoverFailure = e.getMessage();
                } catch (Exception e) {
                    failoverFailure = "failed: " + e.getMessage();
                    progress.accept("  " + system + " failover " + failoverFailure);
                }
            }
        } catch (Exception e) {
            String why = "failed to start: " + e.getMessage();
            progress.accept("  " + system + " " + why);
            if (latency == null && latencyFailure == null) {
                latencyFailure = why; // a latency measured (or failed) before the failure keeps its own outcome
            }
            while (load.size() < loads) {
                load.add(null);
                loadFailure.add(why);
            }
            if (o.runs("failover") && failover == null && failoverFailure == null) {
                failoverFailure = why;
            }
        }
        return new Measured(system, latency, latencyFailure, load, loadFailure, failover, failoverFailure, notes, loadNote);
    }

    /** The row with each other system's figure, taken from its latency result by {@code figure}. */
    private static Row compared(Row r, List<Measured> others, java.util.function.ToDoubleFunction<LatencyResult> figure, String kind) {
        for (Measured m : others) {
            r = r.with(m.system(), m.latency() == null ? null : figure.applyAsDouble(m.latency()), m.latencyWhy(kind));
        }
        return r;
    }

    private static void latencyRows(BenchOptions o, LatencyResult ours, List<Measured> others, Report report) {
        String where = String.format(" (1 cell of %d, sequential)", o.nodes());
        report.add(compared(Row.of("write latency p50" + where, ours.writes().millis(50), "ms", new Row.AtMostTimes(1, "etcd"), null),
                others, l -> l.writes().millis(50), "write"));
        String syncs = Double.isNaN(ours.leaderSyncsPerWrite()) ? null : String.format(Locale.ROOT,
                "the leader's node log synced %.2f times per write; the reply waits for a quorum's vote records (the leader's own synced alongside the followers'), not for the Chosen record", ours.leaderSyncsPerWrite());
        report.add(compared(Row.of("write latency p99" + where, ours.writes().millis(99), "ms", new Row.AtMost(3, "ms"), syncs),
                others, l -> l.writes().millis(99), "write"));
        report.add(compared(Row.of("write latency p99.9" + where, ours.writes().millis(99.9), "ms", new Row.None(), null),
                others, l -> l.writes().millis(99.9), "write"));
        String lease = String.format(Locale.ROOT, "at the leader; %.1f%% answered locally under the leader lease, the rest through the log",
                ours.localReadShare() * 100);
        report.add(compared(Row.of("linearizable read p50" + where, ours.linearizableReads().millis(50), "ms", new Row.AtMostTimes(1, "etcd"), lease),
                others, l -> l.linearizableReads().millis(50), "linearizable"));
        report.add(compared(Row.of("linearizable read p99" + where, ours.linearizableReads().millis(99), "ms", new Row.AtMost(1, "ms"), lease),
                others, l -> l.linearizableReads().millis(99), "linearizable"));
        report.add(compared(Row.of("linearizable read p99.9" + where, ours.linearizableReads().millis(99.9), "ms", new Row.None(), null),
                others, l -> l.linearizableReads().millis(99.9), "tail"));
        report.add(compared(Row.of("eventual read at a follower p50" + where, ours.followerReads().millis(50), "ms", new Row.None(), null),
                others, l -> l.followerReads().millis(50), "eventual"));
        report.add(compared(Row.of("eventual read at a follower p99" + where, ours.followerReads().millis(99), "ms", new Row.None(), null),
                others, l -> l.followerReads().millis(99), "eventual"));
        if (ours.requestFloor() != null) {
            report.add(Row.of("HTTP round trip without cell work (GET /healthz at the leader) p50", ours.requestFloor().millis(50), "ms",
                    new Row.None(), String.format(Locale.ROOT, "p99 %.3f ms; the JDK HTTP client and Vert.x server, paid by every figure above",
                            ours.requestFloor().millis(99))));
        }
    }

    private static void throughputRows(BenchOptions o, ThroughputResult ours, int index, List<Measured> others, Report report) {
        int cores = Runtime.getRuntime().availableProcessors();
        String note = String.format(Locale.ROOT, "%d in flight over %d s; nodes used %.2f of %d cores, the load driver %.2f; %,.0f log syncs/s over all nodes; %,d failed or retried",
                o.concurrency(), o.measureSeconds(), ours.serverCores(), cores, ours.driverCores(), ours.syncsPerSecond(), ours.load().failed());
        Row rate = Row.of(String.format("committed writes/s, %,d cells of %d", ours.cells(), o.nodes()), ours.load().perSecond(), "writes/s",
                new Row.AtLeastTimes(1.5, "etcd"), note);
        Row tail = Row.of(String.format("write latency p99 under that load, %,d cells", ours.cells()), ours.load().latency().millis(99), "ms",
                new Row.None(), null);
        Row cpu = Row.of(String.format("server CPU per committed write, %,d cells", ours.cells()), cpuMillisPerWrite(ours), "ms",
                new Row.AtMostTimes(1, "etcd"), "CPU time of every server process over the window, divided by the writes committed in it");
        Row memory = Row.of(String.format("resident memory per server process after the load, %,d cells", ours.cells()),
                ours.rssBytesPerServer() / (1 << 20), "MiB", new Row.AtMostTimes(1.5, "etcd"),
                "mean RSS of the " + o.nodes() + " server processes once the window ended; ours with --jvm-flags " + String.join(" ", o.jvmFlags()));
        for (Measured m : others) {
            ThroughputResult theirs = m.load().get(index);
            String why = theirs == null ? m.loadFailure().get(index) : m.loadNote().apply(theirs, ours.cells());
            rate = rate.with(m.system(), theirs == null ? null : theirs.load().perSecond(), why);
            tail = tail.with(m.system(), theirs == null ? null : theirs.load().latency().millis(99), theirs == null ? why : null);
            cpu = cpu.with(m.system(), theirs == null ? null : cpuMillisPerWrite(theirs), theirs == null ? why : null);
            memory = memory.with(m.system(), theirs == null || theirs.rssBytesPerServer() < 0 ? null : theirs.rssBytesPerServer() / (1 << 20),
                    theirs == null ? why : null);
        }
        report.add(rate);
        report.add(tail);
        report.add(cpu);
        report.add(memory);
    }

    private static void failoverRows(BenchOptions o, Failover.Result ours, List<Measured> others, Report report) {
        String what = String.format(" (kill -9 of the leader of 1 cell of %d, %d kills)", o.nodes(), o.kills());
        String note = String.format(Locale.ROOT, "each kill, to the next committed write: %s; %d writes failed after the client's own retries%s",
                ours.describe(), ours.failedWrites(), o.nodeFlags().isEmpty() ? "" : "; node flags " + String.join(" ", o.nodeFlags()));
        Row p50 = Row.of("failover p50" + what, ours.failover().millis(50), "ms", new Row.None(), note);
        Row p99 = Row.of("failover p99" + what, ours.failover().millis(99), "ms", new Row.AtMost(1000, "ms"), null);
        for (Measured m : others) {
            Failover.Result theirs = m.failover();
            p50 = p50.with(m.system(), theirs == null ? null : theirs.failover().millis(50),
                    theirs == null ? m.failoverFailure() : "each kill: " + theirs.describe());
            p99 = p99.with(m.system(), theirs == null ? null : theirs.failover().millis(99), theirs == null ? m.failoverFailure() : null);
        }
        report.add(p50);
        report.add(p99);
    }

    private static double cpuMillisPerWrite(ThroughputResult r) {
        return r.load().committed() == 0 ? Double.NaN : r.serverCores() * 1000 / r.load().perSecond();
    }

    private static void idleBenchmarks(BenchOptions o, Path work, Report report, Consumer<String> progress) throws Exception {
        progress.accept(String.format("Physalia idle colony: %d nodes, %,d cells", o.colonyNodes(), o.colonyCells()));
        PhysaliaColonyIdle.Result idleColony = PhysaliaColonyIdle.run(work.resolve("physalia-idle-colony"), o, progress);
        report.add(Row.of(String.format("CPU of an idle colony, %d nodes, %,d cells of %d", idleColony.nodes(), idleColony.cells(),
                        Math.min(o.nodes(), idleColony.nodes())), idleColony.cores(), "cores", new Row.AtMost(0.05, "cores"),
                String.format(Locale.ROOT, "every node process over %d idle s, physalia local's JVM flags; each node pings every peer every %d ms (%,d pings/s in all)",
                        o.idleSeconds(), io.physalia.node.Node.PEER_PING_EVERY_MILLIS,
                        Math.round(idleColony.nodes() * (idleColony.nodes() - 1) * 1000.0 / io.physalia.node.Node.PEER_PING_EVERY_MILLIS))));
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
                .with("Ratis", theirs == null ? null : theirs.heapBytesPerReplica(), counts));
        report.add(Row.of("resident memory per idle replica, " + what, ours.rssBytesPerReplica(), "B", new Row.None(),
                "RSS minus the 1-replica baseline's: heap the JVM took from the OS, thread stacks, direct buffers")
                .with("Ratis", theirs == null ? null : theirs.rssBytesPerReplica(), theirs == null ? failure : null));
        report.add(Row.of("CPU per idle replica, " + what, ours.cpuMicrosPerReplicaPerMinute(), "µs/min", new Row.None(),
                String.format("process CPU over %d idle s, minus the 1-replica baseline's", o.idleSeconds()))
                .with("Ratis", theirs == null ? null : theirs.cpuMicrosPerReplicaPerMinute(), theirs == null ? failure : "per group on a peer; leaders send heartbeats"));
        report.add(Row.of("restart after kill -9 until serving, " + what, ours.restartSeconds(), "s", new Row.AtMost(10, "s"),
                String.format(Locale.ROOT, "JVM start to /readyz %.2f s, then %d random replicas answer a read (16 asked at a time)", ours.readySeconds(), o.sampleReads()))
                .with("Ratis", theirs == null ? null : theirs.restartSeconds(), theirs == null ? failure
                        : String.format(Locale.ROOT, "%,d groups; ready line after %.2f s, then stale reads through it", theirs.replicas(), theirs.readySeconds())));
        report.add(Row.of("replicas hosted per second on one node, admin API", ours.hostPerSecond(), "replicas/s", new Row.None(),
                "64 PUT /admin/cells in flight; each waits for its identity record's group commit")
                .with("Ratis", theirs == null ? null : theirs.hostPerSecond(), theirs == null ? failure : "group management add on all peers, 16 in flight; per peer"));
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
