package io.physalia.benchmarks;

import io.physalia.core.cell.CellLimits;
import io.physalia.node.CommandLineFlags;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's command line: a subcommand and flags. Every problem is reported at once, each
 * naming its flag, before anything starts.
 */
public record BenchOptions(String command, int nodes, int payloadBytes, int warmupOps, int samples,
                           List<Integer> cells, int concurrency, int warmupSeconds, int measureSeconds,
                           int replicas, int idleSeconds, int sampleReads, boolean etcd, Path etcdBinary, boolean ratis,
                           int ratisMaxGroups, int ratisIdleGroups, Path workDir, List<String> jvmFlags, boolean keep,
                           int kills, List<String> nodeFlags, int colonyNodes, int colonyCells) {

    public static final List<String> COMMANDS = List.of("latency", "throughput", "failover", "idle", "all");

    public static final String USAGE = """
            usage: physalia-benchmarks latency|throughput|failover|idle|all [flags]
              latency     single-cell write and read latency, one client, sequential, on --nodes nodes
              throughput  committed writes/s with each --cells count active, --concurrency requests in flight
              failover    kill -9 of a cell's leader right after a write, to the next committed write, --kills times
              idle        heap and CPU per idle replica with --replicas on one node; that node's restart time;
                          the CPU of an idle colony of --colony-nodes nodes
              all         the four above
            flags (defaults are the issue's full configuration):
              --nodes N             nodes per colony and members per cell (default 7)
              --payload-bytes N     value size of every write, both systems (default 100)
              --warmup-ops N        latency: operations of each kind before sampling (default 20000: the JIT
                                    of seven node JVMs is still compiling after 1,000; etcd needs none)
              --samples N           latency: sampled operations of each kind (default 10000)
              --cells N,N           throughput: active cell counts (default 1000,10000)
              --concurrency N       throughput: requests in flight, at most one per cell (default 256)
              --warmup-seconds N    throughput: load before the measured window (default 10)
              --measure-seconds N   throughput: the measured window (default 30)
              --replicas N          idle: replicas hosted on the one node (default 100000)
              --idle-seconds N      idle: the idle window CPU is measured over (default 60)
              --sample-reads N      idle: reads of random cells that must answer after the restart (default 1000)
              --colony-nodes N      idle: nodes of the idle colony, started as physalia local starts them (default 28)
              --colony-cells N      idle: cells of --nodes members spread over that colony (default 100)
              --kills N             failover: leaders killed, one at a time, each restarted before the next (default 10)
              --etcd on|off         latency, throughput, failover: measure etcd in the same run (default on)
              --etcd-binary PATH    the etcd to run (default: the one e2e/k8s-bin/build.sh etcd builds,
                                    $PHYSALIA_K8S_CACHE/bin/etcd, the cache defaulting to ~/.cache/physalia-k8s)
              --ratis on|off        measure Apache Ratis in the same run (default on)
              --ratis-max-groups N  throughput: most Ratis groups tried (default 1000; 7 peers x N divisions)
              --ratis-idle-groups N idle: Ratis groups on 7 peers for the per-replica comparison (default 1000)
              --work-dir DIR        data directories and process logs (default: a new temporary directory)
              --jvm-flags "..."     JVM flags of every node and Ratis peer (default "-Xmx1g -XX:+UseSerialGC")
              --node-flags "..."    more physalia-node flags for every node, e.g. "--leader-lease-ms 1000" (default none)
              --keep true           keep --work-dir afterwards (default: deleted unless given)""";

    private static final List<String> FLAGS = List.of("nodes", "payload-bytes", "warmup-ops", "samples", "cells",
            "concurrency", "warmup-seconds", "measure-seconds", "replicas", "idle-seconds", "sample-reads", "etcd", "etcd-binary", "ratis",
            "ratis-max-groups", "ratis-idle-groups", "work-dir", "jvm-flags", "keep", "kills", "node-flags", "colony-nodes", "colony-cells");

    /** Thrown with every problem found, one per line. */
    public static final class BadOptions extends Exception {
        public BadOptions(String message) {
            super(message);
        }
    }

    public boolean runs(String part) {
        return command.equals("all") || command.equals(part);
    }

    /** Whether a part that runs a colony beside etcd (and Ratis) runs: latency, throughput or failover. */
    public boolean runsSideBySide() {
        return runs("latency") || runs("throughput") || runs("failover");
    }

    /** The whitespace-separated words of {@code s}, none empty. */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String w : s.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    public static BenchOptions parse(String[] args) throws BadOptions {
        List<String> problems = new ArrayList<>();
        if (args.length == 0) {
            throw new BadOptions("give a subcommand: " + String.join(", ", COMMANDS));
        }
        String command = args[0];
        if (!COMMANDS.contains(command)) {
            problems.add("unknown subcommand '" + command + "' (expected one of " + String.join(", ", COMMANDS) + ")");
        }
        Map<String, String> flags = CommandLineFlags.parse(args, 1, FLAGS, problems);
        int nodes = intFlag(flags, "nodes", 7, 1, CellLimits.MAX_MEMBERS, problems);
        int payload = intFlag(flags, "payload-bytes", 100, 1, 32_768, problems);
        int warmupOps = intFlag(flags, "warmup-ops", 20_000, 0, 10_000_000, problems);
        int samples = intFlag(flags, "samples", 10_000, 1, 10_000_000, problems);
        List<Integer> cells = new ArrayList<>();
        String cellList = flags.getOrDefault("cells", "1000,10000");
        for (String c : cellList.split(",")) {
            try {
                int n = Integer.parseInt(c.trim());
                if (n < 1 || n > 1_000_000) {
                    throw new NumberFormatException();
                }
                cells.add(n);
            } catch (NumberFormatException e) {
                problems.add("--cells entry '" + c + "' must be a whole number in 1..1000000");
            }
        }
        int concurrency = intFlag(flags, "concurrency", 256, 1, 100_000, problems);
        int warmupSeconds = intFlag(flags, "warmup-seconds", 10, 0, 3600, problems);
        int measureSeconds = intFlag(flags, "measure-seconds", 30, 1, 3600, problems);
        int replicas = intFlag(flags, "replicas", 100_000, 1, 10_000_000, problems);
        int idleSeconds = intFlag(flags, "idle-seconds", 60, 1, 3600, problems);
        int sampleReads = intFlag(flags, "sample-reads", 1000, 1, 1_000_000, problems);
        boolean etcd = onOff(flags, "etcd", problems);
        Path etcdBinary = defaultEtcdBinary();
        if (flags.containsKey("etcd-binary")) {
            if (flags.get("etcd-binary").isBlank()) {
                problems.add("--etcd-binary must not be empty");
            } else {
                etcdBinary = Path.of(flags.get("etcd-binary"));
            }
        }
        boolean ratis = onOff(flags, "ratis", problems);
        int ratisMaxGroups = intFlag(flags, "ratis-max-groups", 1000, 1, 1_000_000, problems);
        int ratisIdleGroups = intFlag(flags, "ratis-idle-groups", 1000, 1, 1_000_000, problems);
        boolean keep = switch (flags.getOrDefault("keep", flags.containsKey("work-dir") ? "true" : "false")) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add("--keep '" + flags.get("keep") + "' must be true or false");
                yield false;
            }
        };
        Path workDir = null;
        if (flags.containsKey("work-dir")) {
            String d = flags.get("work-dir");
            if (d.isBlank()) {
                problems.add("--work-dir must not be empty");
            } else {
                workDir = Path.of(d);
            }
        }
        List<String> jvm = List.of("-Xmx1g", "-XX:+UseSerialGC");
        if (flags.containsKey("jvm-flags")) {
            jvm = words(flags.get("jvm-flags"));
            for (String f : jvm) {
                if (!f.startsWith("-")) {
                    problems.add("--jvm-flags entry '" + f + "' is not a JVM flag (flags start with '-')");
                }
            }
        }
        int kills = intFlag(flags, "kills", 10, 1, 1000, problems);
        int colonyNodes = intFlag(flags, "colony-nodes", 28, 1, 64, problems);
        int colonyCells = intFlag(flags, "colony-cells", 100, 0, 100_000, problems);
        List<String> nodeFlags = new ArrayList<>();
        if (flags.containsKey("node-flags")) {
            nodeFlags = words(flags.get("node-flags"));
            if (!nodeFlags.isEmpty() && !nodeFlags.getFirst().startsWith("--")) {
                problems.add("--node-flags must start with a node flag (--name value ...), got '" + nodeFlags.getFirst() + "'");
            }
            for (String owned : List.of("--name", "--data-dir", "--peer-port", "--http-port", "--peers", "--key-file", "--parent-pid")) {
                if (nodeFlags.contains(owned)) {
                    problems.add("--node-flags must not set " + owned + ": the benchmark sets it for every node");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new BadOptions(String.join("\n", problems));
        }
        return new BenchOptions(command, nodes, payload, warmupOps, samples, List.copyOf(cells), concurrency,
                warmupSeconds, measureSeconds, replicas, idleSeconds, sampleReads, etcd, etcdBinary, ratis, ratisMaxGroups,
                ratisIdleGroups, workDir, List.copyOf(jvm), keep, kills, List.copyOf(nodeFlags), colonyNodes, colonyCells);
    }

    /**
     * What the options need from this machine, checked before anything starts (parsing alone does
     * not look at the machine): the etcd binary, when etcd is measured.
     */
    public void checkMachine() throws BadOptions {
        if (etcd && runsSideBySide() && !java.nio.file.Files.isExecutable(etcdBinary)) {
            throw new BadOptions("--etcd-binary " + etcdBinary + " is not an executable file: build etcd with"
                    + " `e2e/k8s-bin/build.sh etcd` (the e2e and benchmarks builds do), or give --etcd off");
        }
    }

    /** Where {@code e2e/k8s-bin/build.sh etcd} links the etcd it builds. */
    static Path defaultEtcdBinary() {
        String cache = System.getenv("PHYSALIA_K8S_CACHE");
        Path root = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "physalia-k8s");
        return root.resolve("bin").resolve("etcd");
    }

    private static boolean onOff(Map<String, String> flags, String key, List<String> problems) {
        return switch (flags.getOrDefault(key, "on")) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> {
                problems.add("--" + key + " '" + flags.get(key) + "' must be on or off");
                yield false;
            }
        };
    }

    private static int intFlag(Map<String, String> flags, String key, int dflt, int min, int max, List<String> problems) {
        String v = flags.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                problems.add("--" + key + " " + v + " is out of range (" + min + ".." + max + ")");
                return dflt;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add("--" + key + " '" + v + "' is not a whole number");
            return dflt;
        }
    }
}
