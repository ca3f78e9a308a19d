package io.physalia.cli;

import io.physalia.core.cell.CellLimits;
import io.physalia.node.CommandLineFlags;
import io.physalia.node.local.LocalColony;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The {@code physalia} command. */
public final class Main {
    /** Node nK serves HTTP on base+K and peers on base+100+K: at most 99 before they would collide. */
    static final int MAX_LOCAL_NODES = 64;

    static final String USAGE = """
            usage: physalia <command> [flags]

              local   [--nodes 28] [--rows 2] [--colors 2] [--size 7] [--data-dir ./physalia-data] [--base-port 7400]
                      [--prometheus-config DIR]
                      start a colony of node processes on this machine (Ctrl-C stops them all),
                      with a synthetic topology (rows of racks of two nodes) and colors, and the
                      control plane on base-port (its state is kept in the data directory);
                      node nK serves HTTP on base-port+K and peers on base-port+100+K;
                      --prometheus-config writes DIR/prometheus.yml (scraping every node), the alert
                      rules and the Grafana dashboard: prometheus --config.file=DIR/prometheus.yml
              create  --cell C --client-rack r1-k1[,r1-k2...] [--size 7] [--color blue] [--control HOST:PORT]
                      the control plane places the cell by the rules and hosts it there
              create  [--node HOST:PORT[,HOST:PORT...]] --cell C --members n1,n2,n3   (by hand, no rules)
              move    --cell C --client-rack r2-k1[,...] [--control ...]
                      the cell's clients moved: the control plane moves it closer, one member at a time
              start-node --name nK [--control ...]   start a node process again (after kill -9, say)
              status  [--control HOST:PORT]          the colony by rack and power domain, and the actions in flight
              pause   [--reason TEXT] [--control ...] the big red button: the control plane takes no action
              resume  [--control ...]
              simulate NAME [--seed N] [--out DIR] [--quick] [...]
                      colony-scale simulations of placement, availability and safety
                      (physalia simulate list names them; docs/simulations.md shows the figures)

            client commands, against any colony (--node: some of its nodes; the cell is found through discovery):
              put        --cell C --key K (--string S | --int N | --bool true|false | --bytes BASE64)
              get        --cell C --key K [--consistency linearizable|eventual]
              delete     --cell C --key K
              increment  --cell C --key K [--delta N]             (an absent key counts as 0; default delta 1)
              txn        --cell C --json '{"conditions":[...],"ops":[...]}'
              scan       --cell C [--prefix P | --start S --end E] [--page-size 100] [--page-token T | --all]
                         [--consistency linearizable|eventual]
              lease acquire --cell C --name L --holder H --duration-ms N   (prints the fencing token)
              lease renew   --cell C --name L --holder H --token T
              lease release --cell C --name L --holder H --token T
              lease show    --cell C --name L [--consistency linearizable|eventual]
              cell-status   --cell C                          each member: leader or not, applied prefix, epoch

            --node defaults to the nodes of a default local colony (127.0.0.1:7401..7412);
            --control to its control plane (127.0.0.1:7400).
            Exit codes: 0 ok (the cell answered; a transaction's status is in its answer), 1 failed (not applied,
            or refused by the cell), 2 usage, 3 outcome unknown (a write that may have applied).""";

    /** The nodes of a default {@code physalia local} colony. */
    static final String DEFAULT_NODES = "127.0.0.1:7401,127.0.0.1:7402,127.0.0.1:7403,127.0.0.1:7404,"
            + "127.0.0.1:7405,127.0.0.1:7406,127.0.0.1:7407,127.0.0.1:7408,127.0.0.1:7409,127.0.0.1:7410,"
            + "127.0.0.1:7411,127.0.0.1:7412";
    static final String DEFAULT_CONTROL = "127.0.0.1:7400";

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println(USAGE);
            return;
        }
        if (args[0].equals("simulate")) {
            // Simulations parse their own flags: each declares the parameters it accepts.
            System.exit(io.physalia.simulations.SimulateMain.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (ClientCommands.handles(args)) {
            System.exit(ClientCommands.run(args, System.out, System.err));
        }
        Map<String, String> flags;
        try {
            flags = flags(Arrays.copyOfRange(args, 1, args.length));
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        switch (args[0]) {
            case "local" -> local(flags);
            case "create" -> System.exit(controlCommand("create", flags)); // by hand (--members) is a client command
            case "status", "pause", "resume", "move", "start-node" -> System.exit(controlCommand(args[0], flags));
            default -> usage("unknown command '" + args[0] + "'");
        }
    }

    private static void local(Map<String, String> f) throws Exception {
        allow(f, "nodes", "rows", "data-dir", "base-port", "colors", "size", "prometheus-config");
        int nodes = intFlag(f, "nodes", 28);
        int rows = intFlag(f, "rows", 2);
        int colors = intFlag(f, "colors", 2);
        int size = intFlag(f, "size", 7);
        if (colors < 1 || colors > ColonyControl.COLOR_NAMES.size()) {
            usage("--colors must be 1.." + ColonyControl.COLOR_NAMES.size());
        }
        int base = intFlag(f, "base-port", 7400);
        if (nodes < 1 || nodes > MAX_LOCAL_NODES) {
            usage("--nodes must be 1.." + MAX_LOCAL_NODES);
        }
        if (rows < 1 || rows > nodes) {
            usage("--rows must be 1..--nodes (" + nodes + ")");
        }
        CellLimits.placedSizeProblem("--size", size).ifPresent(Main::usage);
        if (base < 1024 || base + 100 + nodes > 65535) {
            usage("--base-port must leave room for ports base+1..base+" + (100 + nodes));
        }
        String seating = ColonyControl.seatingProblem(nodes, rows, colors, size);
        if (seating != null) {
            usage(seating);
        }
        Path prometheusDir = f.containsKey("prometheus-config") ? Path.of(f.get("prometheus-config")) : null;
        String prometheusProblem = prometheusDir == null ? null : PrometheusConfig.problem(prometheusDir);
        if (prometheusProblem != null) {
            usage(prometheusProblem);
        }
        Path dir = Path.of(f.getOrDefault("data-dir", "physalia-data"));
        LocalColony colony = new LocalColony(dir, LocalColony.ports(nodes, base));
        ColonyControl control;
        try {
            control = new ColonyControl(colony, rows, colors, size, line -> System.out.println("  control: " + line));
        } catch (IllegalStateException e) {
            System.err.println("physalia local: " + e.getMessage());
            System.exit(1);
            return;
        }
        Path prometheusConfig = null;
        if (prometheusDir != null) {
            try {
                prometheusConfig = PrometheusConfig.write(prometheusDir, LocalColony.COLONY, prometheusTargets(colony, control),
                        java.time.Duration.ofSeconds(5));
            } catch (java.io.IOException e) {
                System.err.println("physalia local: --prometheus-config " + prometheusDir + ": cannot write the files: " + e);
                System.exit(1);
            }
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping " + nodes + " nodes...");
            control.close();
            try {
                colony.close();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            System.out.println("stopped; data kept in " + colony.root());
            done.countDown();
        }));
        System.out.println("starting " + nodes + " nodes, data in " + colony.root() + " (key file " + colony.keyFile()
                + (colony.keyGenerated() ? ", generated now" : "") + ")");
        try {
            colony.startAll(line -> System.out.println("  " + line));
        } catch (Exception e) {
            System.err.println("physalia local: " + e.getMessage());
            System.exit(1);
        }
        control.start(base);
        StringBuilder all = new StringBuilder();
        System.out.println("\ncolony ready:");
        for (LocalColony.NodeSpec n : colony.specs()) {
            io.physalia.topology.NodeTopology t = control.topology().node(n.name()).orElseThrow();
            System.out.printf("  %-4s http://%s  row %-3s rack %-6s power %-6s color %-6s pid %d%n", n.name(), n.http(),
                    t.row(), t.rack(), t.power(), control.colors().get(n.name()), colony.process(colony.specs().indexOf(n)).pid());
            all.append(all.isEmpty() ? "" : ",").append(n.http());
        }
        String control0 = base == 7400 ? "" : " --control 127.0.0.1:" + base;
        String nodeFlag = base == 7400 ? "" : " --node " + all;
        System.out.println("\ncontrol plane at http://127.0.0.1:" + base + " (state in " + colony.root().resolve(ControlStateFile.NAME) + ")");
        System.out.println("\ntry:");
        System.out.println("  ./physalia create --cell demo --client-rack r1-k1" + control0);
        System.out.println("  ./physalia put" + nodeFlag + " --cell demo --key greeting --string hello");
        System.out.println("  ./physalia status" + control0);
        System.out.println("  ./physalia move --cell demo --client-rack " + control.topology().nodes().stream()
                .map(io.physalia.topology.NodeTopology::rack).max(String::compareTo).orElse("r1-k1") + control0);
        System.out.println("  ./physalia get" + nodeFlag + " --cell demo --key greeting");
        if (prometheusConfig != null) {
            System.out.println("\nPrometheus (scrapes every node, evaluates the alert rules; dashboard.json is for Grafana):");
            System.out.println("  prometheus --config.file=" + prometheusConfig.toAbsolutePath());
        }
        System.out.println("\nCtrl-C stops every node.");
        done.await();
    }

    /** Every node of the local colony as a Prometheus target, with its color. */
    static List<PrometheusConfig.Target> prometheusTargets(LocalColony colony, ColonyControl control) {
        return colony.specs().stream().map(n -> new PrometheusConfig.Target(n.name(), control.colors().get(n.name()), n.http())).toList();
    }

        /** create (by the rules), move, start-node, status, pause, resume: talk to the local colony's control plane. */
    private static int controlCommand(String cmd, Map<String, String> f) {
        try {
            String control = f.getOrDefault("control", DEFAULT_CONTROL);
            String path;
            String method = "POST";
            switch (cmd) {
                case "create" -> {
                    allow(f, "control", "cell", "client-rack", "size", "color");
                    path = "/cells/" + encPath(required(f, "cell")) + "?client-rack=" + enc(required(f, "client-rack"))
                            + (f.containsKey("size") ? "&size=" + enc(f.get("size")) : "")
                            + (f.containsKey("color") ? "&color=" + enc(f.get("color")) : "");
                }
                case "move" -> {
                    allow(f, "control", "cell", "client-rack");
                    path = "/cells/" + encPath(required(f, "cell")) + "/clients?client-rack=" + enc(required(f, "client-rack"));
                }
                case "start-node" -> {
                    allow(f, "control", "name");
                    path = "/nodes/" + encPath(required(f, "name")) + "/start";
                }
                case "pause" -> {
                    allow(f, "control", "reason");
                    path = "/pause?reason=" + enc(f.getOrDefault("reason", "paused by operator"));
                }
                case "resume" -> {
                    allow(f, "control");
                    path = "/resume";
                }
                default -> {
                    allow(f, "control");
                    path = "/status";
                    method = "GET";
                }
            }
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + control + path))
                            .timeout(java.time.Duration.ofSeconds(60))
                            .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            System.out.print(r.body());
            if (r.statusCode() != 200) {
                System.err.println("physalia " + cmd + ": HTTP " + r.statusCode() + " from the control plane at " + control);
                return 1;
            }
            return 0;
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            System.err.println("physalia " + cmd + ": cannot reach the control plane at " + f.getOrDefault("control", DEFAULT_CONTROL)
                    + " (is physalia local running?): " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** A path segment: like a query value, but a space is %20 (a '+' in a path is a plus). */
    private static String encPath(String s) {
        return enc(s).replace("+", "%20");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    static Map<String, String> flags(String[] args) {
        List<String> problems = new ArrayList<>();
        Map<String, String> m = CommandLineFlags.parse(args, 0, null, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.get(0));
        }
        return m;
    }

    private static void allow(Map<String, String> f, String... allowed) {
        for (String k : f.keySet()) {
            if (!List.of(allowed).contains(k)) {
                throw new IllegalArgumentException("unknown flag --" + k);
            }
        }
    }

    private static String required(Map<String, String> f, String k) {
        String v = f.get(k);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing --" + k);
        }
        return v;
    }

    private static int intFlag(Map<String, String> f, String k, int dflt) {
        try {
            return f.containsKey(k) ? Integer.parseInt(f.get(k)) : dflt;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + k + " must be a number");
        }
    }

    private static void usage(String problem) {
        System.err.println("physalia: " + problem);
        System.err.println(USAGE);
        System.exit(2);
    }
}
