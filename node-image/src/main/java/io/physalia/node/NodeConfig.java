package io.physalia.node;

import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.node.storage.StorageOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A node's start-up settings, from command-line flags, {@code PHYSALIA_*} environment variables and
 * a config file, in that order of precedence ({@link ConfigSources}). Every problem is reported at
 * once, naming the flag, variable or file line it concerns, before anything starts.
 *
 * @param peers the peers the node knows from the start: name to host:port of its peer (TCP)
 *              listener; empty when the control plane tells it its peers at runtime
 *              ({@code PUT /admin/peers}, {@link PeerDirectory})
 * @param colony the colony's name, a label on every metric
 * @param adminPort where the admin routes ({@code /admin/*}) are served: {@code httpPort} (the
 *                  default) serves them with the client routes; another port serves them apart,
 *                  so a network policy can keep clients off them. Every node of a colony that
 *                  sets it uses the same port: a node reaches another's admin routes at that
 *                  node's advertised host and this port.
 * @param lease the leader lease and the clock-rate bound of this node's replicas, the same on
 *              every node of the colony ({@link LeaderLease})
 */
public record NodeConfig(String name, Path dataDir, String bindHost, int peerPort, int httpPort,
                         Map<String, HostPort> peers, Path keyFile, long parentPid,
                         Map<String, String> labels, Map<String, String> peerColors, String colony,
                         StorageOptions storage, int adminPort, LeaderLease lease) {

    /** The label that carries a node's color (the same key as topology-labels' scheme). */
    public static final String COLOR_LABEL = "physalia.io/color";
    /** The colony name when {@code --colony} is not given. */
    public static final String DEFAULT_COLONY = "default";

    public NodeConfig {
        labels = Map.copyOf(labels);
        peerColors = Map.copyOf(peerColors);
        java.util.Objects.requireNonNull(colony, "colony");
        if (storage == null) {
            throw new IllegalArgumentException("storage options are required");
        }
        if (lease == null) {
            throw new IllegalArgumentException("lease settings are required");
        }
        if (adminPort < 0 || adminPort > 65535 || (adminPort != httpPort && adminPort == peerPort)) {
            throw new IllegalArgumentException("admin port " + adminPort + " must be a port apart from the peer port " + peerPort);
        }
    }

    /** A node with the default lease settings. */
    public NodeConfig(String name, Path dataDir, String bindHost, int peerPort, int httpPort,
                      Map<String, HostPort> peers, Path keyFile, long parentPid,
                      Map<String, String> labels, Map<String, String> peerColors, String colony,
                      StorageOptions storage, int adminPort) {
        this(name, dataDir, bindHost, peerPort, httpPort, peers, keyFile, parentPid, labels, peerColors, colony, storage, adminPort,
                LeaderLease.DEFAULT);
    }

    /** A node whose admin routes share the HTTP port with the client routes. */
    public NodeConfig(String name, Path dataDir, String bindHost, int peerPort, int httpPort,
                      Map<String, HostPort> peers, Path keyFile, long parentPid,
                      Map<String, String> labels, Map<String, String> peerColors, String colony,
                      StorageOptions storage) {
        this(name, dataDir, bindHost, peerPort, httpPort, peers, keyFile, parentPid, labels, peerColors, colony, storage, httpPort);
    }

    /** Whether the admin routes have a port of their own. */
    public boolean separateAdminPort() {
        return adminPort != httpPort;
    }

    /** A node of the default colony with the default storage sizes. */
    public NodeConfig(String name, Path dataDir, String bindHost, int peerPort, int httpPort,
                      Map<String, HostPort> peers, Path keyFile, long parentPid,
                      Map<String, String> labels, Map<String, String> peerColors) {
        this(name, dataDir, bindHost, peerPort, httpPort, peers, keyFile, parentPid, labels, peerColors, DEFAULT_COLONY,
                StorageOptions.DEFAULT);
    }

    /** A node of the named colony with the default storage sizes. */
    public NodeConfig(String name, Path dataDir, String bindHost, int peerPort, int httpPort,
                      Map<String, HostPort> peers, Path keyFile, long parentPid,
                      Map<String, String> labels, Map<String, String> peerColors, String colony) {
        this(name, dataDir, bindHost, peerPort, httpPort, peers, keyFile, parentPid, labels, peerColors, colony,
                StorageOptions.DEFAULT);
    }

    /** A node of the default colony with the given storage sizes. */
    public NodeConfig(String name, Path dataDir, String bindHost, int peerPort, int httpPort,
                      Map<String, HostPort> peers, Path keyFile, long parentPid,
                      Map<String, String> labels, Map<String, String> peerColors, StorageOptions storage) {
        this(name, dataDir, bindHost, peerPort, httpPort, peers, keyFile, parentPid, labels, peerColors, DEFAULT_COLONY,
                storage);
    }

    /** The same node with other storage sizes. */
    public NodeConfig withStorage(StorageOptions s) {
        return new NodeConfig(name, dataDir, bindHost, peerPort, httpPort, peers, keyFile, parentPid, labels, peerColors, colony, s, adminPort, lease);
    }

    /** A node without labels or colors: it talks to every peer. */
    public NodeConfig(String name, Path dataDir, String bindHost, int peerPort, int httpPort,
                      Map<String, HostPort> peers, Path keyFile, long parentPid) {
        this(name, dataDir, bindHost, peerPort, httpPort, peers, keyFile, parentPid, Map.of(), Map.of(),
                StorageOptions.DEFAULT);
    }

    /** This node's color, or null if it has none (then colors are not checked). */
    public String color() {
        return labels.get(COLOR_LABEL);
    }

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** Thrown with every problem found, one per line. */
    public static final class BadConfig extends Exception {
        public BadConfig(String message) {
            super(message);
        }
    }

    public static final String USAGE = """
            usage: physalia-node --name NAME --data-dir DIR --peer-port PORT --http-port PORT \\
                                 --key-file FILE [--peers NAME=HOST:PORT,...] [--bind HOST] [--sync true]
              --name       this node's name (letters, digits, . _ -), unique in the colony
              --data-dir   where the node log and checkpoints live (created if missing)
              --peer-port  TCP port for other nodes (HMAC-authenticated frames)
              --http-port  HTTP port for clients, health, metrics and the admin routes
              --admin-port serve the admin routes (/admin/*) on this port instead, apart from the
                           clients' (health and metrics on both); the same on every node
              --peers      peers known from the start and their peer ports (this node may be listed;
                           it is skipped); optional: the control plane sets the peers at runtime
                           (PUT /admin/peers), and a restarted node knows only this list until told
              --key-file   the colony's key file (HMAC keys; see docs/node.md)
              --bind       address to listen on (default 127.0.0.1)
              --parent-pid exit when this process is gone (used by physalia local: no orphans)
              --sync       must be true: a node never runs without syncing its log
              --labels     the node's labels as key=value,... (topology and physalia.io/color)
              --peer-colors the color of every node in --peers as name=color,...; with a color, the
                           node talks only to peers of its own color and drops (and counts) frames
                           from others; required with a color and a non-empty --peers
              --colony     the colony's name, a label on every metric (default: default)
              --log-segment-bytes    start a new node log segment at this size (default 32m; 4k..1g;
                                     k, m, g are KiB, MiB, GiB)
              --checkpoint-log-bytes checkpoint once sealed log segments hold this much (default 128m;
                                     at least the segment size, at most 64g)
              --leader-lease-ms      the leader lease, in ms (default %d; 0: none, every linearizable
                                     read goes through the log; at most %d). A dead leader's successor
                                     waits the clock-rate bound times this before it leads
              --clock-rate-bound     no node's clock runs more than this many times as fast as another's
                                     (default %d; %d..%d); the lease is safe while this holds
              --config     a file of 'key = value' lines, keys as the flags above without '--'
            Every flag can also be set by an environment variable, PHYSALIA_ and the flag's name in
            capitals with '_' for '-' (PHYSALIA_HTTP_PORT=7401, PHYSALIA_CONFIG=/etc/physalia/node.conf).
            Precedence: flags, then the environment, then the config file.""".formatted(ReplicaConfig.DEFAULT.leaderLeaseMillis(),
            ReplicaConfig.MAX_LEADER_LEASE_MILLIS, ReplicaConfig.DEFAULT.clockRateBound(), ReplicaConfig.MIN_CLOCK_RATE_BOUND,
            ReplicaConfig.MAX_CLOCK_RATE_BOUND);

    /** The setting names, as flags spell them without {@code --}. */
    static final java.util.Set<String> KEYS = java.util.Set.of("name", "data-dir", "peer-port", "http-port", "peers",
            "key-file", "bind", "sync", "parent-pid", "labels", "peer-colors", "colony", "log-segment-bytes",
            "checkpoint-log-bytes", "admin-port", "leader-lease-ms", "clock-rate-bound");

    /** Parses flags, the process environment and the config file (see {@link ConfigSources}). */
    public static NodeConfig parse(String[] args) throws BadConfig {
        return parse(args, System.getenv());
    }

    /** Parses flags, then {@code env}'s {@code PHYSALIA_*} variables, then the config file they name. */
    public static NodeConfig parse(String[] args, Map<String, String> env) throws BadConfig {
        List<String> problems = new ArrayList<>();
        ConfigSources flags = ConfigSources.gather(args, env, KEYS, problems);
        flags.warnings().forEach(w -> java.util.logging.Logger.getLogger(NodeConfig.class.getName()).warning(w));
        String name = required(flags, "name", problems);
        if (name != null && !NAME.matcher(name).matches()) {
            problems.add(flags.where("name") + " '" + name + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String dir = required(flags, "data-dir", problems);
        int peerPort = port(flags, "peer-port", problems);
        int httpPort = port(flags, "http-port", problems);
        if (peerPort > 0 && peerPort == httpPort) {
            problems.add(flags.where("peer-port") + " and " + flags.where("http-port") + " must differ");
        }
        int adminPort = httpPort;
        if (flags.has("admin-port")) {
            adminPort = port(flags, "admin-port", problems);
            if (adminPort > 0 && (adminPort == httpPort || adminPort == peerPort)) {
                problems.add(flags.where("admin-port") + " must differ from " + flags.where("http-port") + " and " + flags.where("peer-port")
                        + " (leave it out to serve the admin routes on the HTTP port)");
            }
        }
        String keyFile = required(flags, "key-file", problems);
        String sync = flags.getOrDefault("sync", "true");
        if (!sync.equals("true")) {
            problems.add(flags.where("sync") + " " + sync + ": refusing to start with syncing disabled; acknowledged writes would not "
                    + "survive a power loss (there is no unsafe mode)");
        }
        // Optional, and may be empty: in Kubernetes every pod of a StatefulSet gets the same
        // settings, and the control plane tells each node its peers at runtime (PUT /admin/peers).
        Map<String, HostPort> peers = new LinkedHashMap<>();
        String peerList = flags.get("peers");
        if (peerList != null && !peerList.isBlank()) {
            for (String item : peerList.split(",")) {
                String[] nv = item.trim().split("=", 2);
                if (nv.length != 2 || !NAME.matcher(nv[0]).matches()) {
                    problems.add(flags.where("peers") + " entry '" + item + "' must look like name=host:port");
                    continue;
                }
                HostPort hp = hostPort(nv[1]);
                if (hp == null) {
                    problems.add(flags.where("peers") + " entry '" + item + "': '" + nv[1] + "' is not host:port with a port in 1-65535");
                } else if (!nv[0].equals(name)) {
                    if (peers.put(nv[0], hp) != null) {
                        problems.add(flags.where("peers") + " lists node '" + nv[0] + "' twice");
                    }
                }
            }
        }
        long parentPid = -1;
        if (flags.has("parent-pid")) {
            try {
                parentPid = Long.parseLong(flags.get("parent-pid"));
            } catch (NumberFormatException e) {
                problems.add(flags.where("parent-pid") + " '" + flags.get("parent-pid") + "' is not a process id");
            }
        }
        Map<String, String> labels = pairs(flags.get("labels"), flags.where("labels"), problems);
        Map<String, String> peerColors = pairs(flags.get("peer-colors"), flags.where("peer-colors"), problems);
        if (labels.containsKey(COLOR_LABEL) && !peers.isEmpty() && !flags.has("peer-colors")) {
            // with no static peers there is nothing to color: the control plane gives each peer's color
            problems.add(flags.where("labels") + " gives a color (" + COLOR_LABEL + ") and " + flags.where("peers") + " lists peers: "
                    + ConfigSources.howToGive("peer-colors") + " must give every peer's color");
        }
        String colony = flags.getOrDefault("colony", DEFAULT_COLONY);
        if (!NAME.matcher(colony).matches()) {
            problems.add(flags.where("colony") + " '" + colony + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        long segmentBytes = bytes(flags, "log-segment-bytes", StorageOptions.DEFAULT.segmentBytes(), problems);
        long checkpointBytes = bytes(flags, "checkpoint-log-bytes", StorageOptions.DEFAULT.checkpointLogBytes(), problems);
        if (segmentBytes > 0 && checkpointBytes > 0) {
            for (String p : StorageOptions.problems(segmentBytes, checkpointBytes)) {
                problems.add(flags.where("log-segment-bytes") + " " + segmentBytes + " / " + flags.where("checkpoint-log-bytes") + " " + checkpointBytes + ": " + p);
            }
        }
        long leaseMillis = number(flags, "leader-lease-ms", LeaderLease.DEFAULT.millis(), 0, ReplicaConfig.MAX_LEADER_LEASE_MILLIS, problems);
        long bound = number(flags, "clock-rate-bound", LeaderLease.DEFAULT.clockRateBound(), ReplicaConfig.MIN_CLOCK_RATE_BOUND,
                ReplicaConfig.MAX_CLOCK_RATE_BOUND, problems);
        if (!problems.isEmpty()) {
            throw new BadConfig(String.join("\n", problems));
        }
        return new NodeConfig(name, Path.of(dir), flags.getOrDefault("bind", "127.0.0.1"), peerPort, httpPort,
                peers, Path.of(keyFile), parentPid, labels, peerColors, colony, new StorageOptions(segmentBytes, checkpointBytes), adminPort,
                new LeaderLease(leaseMillis, (int) bound));
    }

    /** A whole-number setting in {@code min..max}, its default if absent, or -1 after adding the problem. */
    private static long number(ConfigSources flags, String key, long dflt, long min, long max, List<String> problems) {
        String v = flags.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(flags.where(key) + " '" + v + "' must be a whole number in " + min + ".." + max);
        return -1;
    }

    /** A byte-count flag, its default if absent, or -1 after adding the problem. */
    private static long bytes(ConfigSources flags, String key, long dflt, List<String> problems) {
        String v = flags.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return StorageOptions.parseBytes(v);
        } catch (IllegalArgumentException e) {
            problems.add(flags.where(key) + ": " + e.getMessage());
            return -1;
        }
    }

    private static Map<String, String> pairs(String list, String flag, List<String> problems) {
        Map<String, String> m = new LinkedHashMap<>();
        if (list == null || list.isBlank()) {
            return m;
        }
        for (String item : list.split(",")) {
            String[] kv = item.trim().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
                problems.add(flag + " entry '" + item + "' must look like key=value");
            } else if (m.put(kv[0], kv[1]) != null) {
                problems.add(flag + " gives '" + kv[0] + "' twice");
            }
        }
        return m;
    }

    static HostPort hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            int p = Integer.parseInt(s.substring(colon + 1));
            return p >= 1 && p <= 65535 ? new HostPort(s.substring(0, colon), p) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String required(ConfigSources flags, String key, List<String> problems) {
        String v = flags.get(key);
        if (v == null) {
            problems.add("missing " + ConfigSources.howToGive(key));
            return null;
        }
        if (v.isBlank()) {
            problems.add(flags.where(key) + " is empty");
            return null;
        }
        return v;
    }

    private static int port(ConfigSources flags, String key, List<String> problems) {
        String v = required(flags, key, problems);
        if (v == null) {
            return -1;
        }
        try {
            int p = Integer.parseInt(v);
            if (p < 1 || p > 65535) {
                problems.add(flags.where(key) + " " + v + " is not a port (1-65535)");
                return -1;
            }
            return p;
        } catch (NumberFormatException e) {
            problems.add(flags.where(key) + " '" + v + "' is not a number");
            return -1;
        }
    }
}
