package io.physalia.benchmarks.etcd;

import io.physalia.node.local.ChildJvm;
import io.physalia.node.local.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An etcd cluster of {@code size} members as separate processes on loopback, like the Physalia
 * nodes: one process each, its own data directory on the same disk, etcd's defaults otherwise
 * (every commit fsynced to its WAL; heartbeat 100 ms, election timeout 1 s). The binary is the
 * one the Kubernetes test harness builds from etcd's Go module ({@code e2e/k8s-bin/build.sh etcd}).
 * Members are stopped when the cluster closes, and by a shutdown hook if the benchmark exits
 * first; a benchmark killed with SIGKILL leaves them running.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final String TOKEN = "physalia-benchmarks";

    private final Path binary;
    private final Path root;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] processes;
    private final Thread hook = new Thread(this::stopAll, "etcd-cluster-stop");
    private EtcdClient client;

    public EtcdCluster(Path binary, Path root, int size) throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IOException("no etcd binary at " + binary + ": build it with e2e/k8s-bin/build.sh etcd, or give --etcd off");
        }
        this.binary = binary;
        this.root = root.toAbsolutePath();
        int[] ports = FreePorts.ports(2 * size);
        this.clientPorts = java.util.Arrays.copyOfRange(ports, 0, size);
        this.peerPorts = java.util.Arrays.copyOfRange(ports, size, 2 * size);
        this.processes = new Process[size];
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public int size() {
        return processes.length;
    }

    public Process process(int i) {
        return processes[i];
    }

    public long[] pids() {
        long[] pids = new long[size()];
        for (int i = 0; i < pids.length; i++) {
            pids[i] = processes[i].pid();
        }
        return pids;
    }

    String name(int i) {
        return "e" + (i + 1);
    }

    int clientPort(int i) {
        return clientPorts[i];
    }

    private Path dir(int i) {
        return root.resolve(name(i));
    }

    private Path log(int i) {
        return dir(i).resolve("etcd.out");
    }

    public void startAll(Consumer<String> progress) throws IOException, InterruptedException {
        for (int i = 0; i < size(); i++) {
            start(i);
        }
        client = new EtcdClient(this);
        awaitLeader(Duration.ofSeconds(60));
        progress.accept("  " + size() + " etcd members ready, leader " + name(leader()));
    }

    /** Starts member {@code i}: the first time a new cluster's member, later again on its data (the flags then say nothing new). */
    private void start(int i) throws IOException {
        List<String> initial = new ArrayList<>();
        for (int k = 0; k < size(); k++) {
            initial.add(name(k) + "=http://127.0.0.1:" + peerPorts[k]);
        }
        Files.createDirectories(dir(i));
        String clientUrl = "http://127.0.0.1:" + clientPorts[i];
        String peerUrl = "http://127.0.0.1:" + peerPorts[i];
        processes[i] = new ProcessBuilder(binary.toString(),
                "--name", name(i),
                "--data-dir", dir(i).resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", String.join(",", initial),
                "--initial-cluster-state", "new", "--initial-cluster-token", TOKEN,
                "--log-level", "warn")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile())).start();
    }

    /** SIGKILL to member {@code i}; returns once it is gone. */
    public void kill9(int i) throws InterruptedException {
        ChildJvm.kill9(processes[i]);
    }

    /** Starts the killed member {@code i} again on its data; returns once every member names one leader again. */
    public void restart(int i) throws IOException, InterruptedException {
        start(i);
        awaitLeader(Duration.ofSeconds(60));
    }

    /** Waits until every member answers its status and all name the same leader. */
    private void awaitLeader(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < size(); i++) {
                if (!processes[i].isAlive()) {
                    throw new IOException("etcd member " + name(i) + " exited with code " + processes[i].exitValue() + "; see " + log(i));
                }
            }
            try {
                leader();
                return;
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        throw new IOException("etcd cluster has no leader after " + timeout + " (" + last + "); see " + log(0));
    }

    /** The index of the member every member names as leader; an IOException while they disagree or one does not answer. */
    public int leader() throws IOException {
        long[] ids = new long[size()];
        long leader = -1;
        for (int i = 0; i < size(); i++) {
            EtcdWire.Status s = client.status(i);
            ids[i] = s.memberId();
            if (s.leaderId() == 0 || (leader != -1 && leader != s.leaderId())) {
                throw new IOException("members do not agree on a leader yet");
            }
            leader = s.leaderId();
        }
        for (int i = 0; i < size(); i++) {
            if (ids[i] == leader) {
                return i;
            }
        }
        throw new IOException("the leader " + Long.toHexString(leader) + " is not a member");
    }

    public EtcdClient client() {
        return client;
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or ran
        }
    }

    private void stopAll() {
        if (client != null) {
            client.close();
        }
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        try {
            for (Process p : processes) {
                ChildJvm.stop(p); // any process: SIGTERM, then SIGKILL if it does not exit
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
