package io.physalia.node.local;

import io.physalia.node.KeyFile;
import io.physalia.node.NodeMain;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A colony of real node processes on this machine: one JVM per node, on loopback ports, each
 * with its own data directory under {@code root} (kept across restarts) and one shared key file
 * (generated on first start). Used by {@code physalia local} and by the node tests.
 */
public final class LocalColony implements AutoCloseable {
    public record NodeSpec(String name, int httpPort, int peerPort) {
        public String http() {
            return "127.0.0.1:" + httpPort;
        }
    }

    /**
     * A local node's JVM: small stacks, heap and collector, C1 only (a dozen nodes share a laptop),
     * and native access for MapDB's hashing library (no warning on stderr).
     */
    public static final List<String> NODE_JVM_FLAGS = List.of("-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m",
            "--enable-native-access=ALL-UNNAMED");

    /** The colony name every local node is started with ({@code --colony}: the colony label of its metrics). */
    public static final String COLONY = "local";

    private final Path root;
    private final List<NodeSpec> specs;
    private final Path keyFile;
    private final Process[] processes;
    private final boolean keyGenerated;
    private final java.util.Map<String, List<String>> extraArgs = new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(500)).build();

    public LocalColony(Path root, List<NodeSpec> specs) throws IOException {
        this.root = root.toAbsolutePath();
        this.specs = List.copyOf(specs);
        this.keyFile = this.root.resolve("colony.key");
        this.processes = new Process[specs.size()];
        Files.createDirectories(this.root);
        keyGenerated = !Files.exists(keyFile);
        if (keyGenerated) {
            KeyFile.generate(keyFile);
        }
    }

    /** Nodes n1..nN with HTTP ports base+1.. and peer ports base+101.. */
    public static List<NodeSpec> ports(int nodes, int basePort) {
        List<NodeSpec> s = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            s.add(new NodeSpec("n" + i, basePort + i, basePort + 100 + i));
        }
        return s;
    }

    /** Nodes n1..nN on ports that were free a moment ago (for tests). */
    public static List<NodeSpec> freePorts(int nodes) throws IOException {
        int[] ports = FreePorts.ports(2 * nodes);
        List<NodeSpec> s = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            s.add(new NodeSpec("n" + i, ports[2 * i - 2], ports[2 * i - 1]));
        }
        return s;
    }

    public List<NodeSpec> specs() {
        return specs;
    }

    public Path root() {
        return root;
    }

    /** True if this colony's key file was generated just now (first start). */
    public boolean keyGenerated() {
        return keyGenerated;
    }

    public Path keyFile() {
        return keyFile;
    }

    /** Extra flags for a node's command line (e.g. {@code --labels}, {@code --peer-colors}), used from its next start. */
    public void nodeArgs(String node, List<String> args) {
        extraArgs.put(node, List.copyOf(args));
    }

    /** The node's process, or null if never started. */
    public Process process(int i) {
        return processes[i];
    }

    /** Starts node {@code i} (0-based) as a child process that exits if this process goes away. */
    public void start(int i) throws IOException {
        NodeSpec n = specs.get(i);
        Path dir = root.resolve(n.name());
        Files.createDirectories(dir);
        String peers = specs.stream().map(p -> p.name() + "=127.0.0.1:" + p.peerPort()).collect(Collectors.joining(","));
        List<String> args = new ArrayList<>(List.of("--name", n.name(), "--colony", COLONY, "--data-dir", dir.toString(), "--peer-port", Integer.toString(n.peerPort()),
                "--http-port", Integer.toString(n.httpPort()), "--peers", peers, "--key-file", keyFile.toString(),
                "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        args.addAll(extraArgs.getOrDefault(n.name(), List.of()));
        processes[i] = ChildJvm.start(NodeMain.class, NODE_JVM_FLAGS, args, dir.resolve("node.out"));
    }

    public void startAll(Consumer<String> progress) throws IOException, InterruptedException {
        for (int i = 0; i < specs.size(); i++) {
            start(i);
            progress.accept("started " + specs.get(i).name() + " (pid " + processes[i].pid() + ")");
        }
        for (int i = 0; i < specs.size(); i++) {
            awaitReady(i, Duration.ofSeconds(120)); // generous: a loaded 2-core machine starts a dozen JVMs slowly
            progress.accept(specs.get(i).name() + " ready at http://" + specs.get(i).http());
        }
        awaitMesh(Duration.ofSeconds(60));
        progress.accept("every node has heard from the peers it talks to");
    }

    /**
     * Waits until every running node has heard from each peer it talks to (its pings carry the
     * peer's HTTP address). Ready alone is not enough: a node that has not heard from a peer yet
     * cannot forward a cell creation to it, so a create right after start would be partial.
     */
    public void awaitMesh(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String token = KeyFile.load(keyFile).adminToken();
        String waitingFor = "";
        while (System.nanoTime() < deadline) {
            waitingFor = unheardPeers(token);
            if (waitingFor.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("nodes have not heard from all their peers after " + timeout + ": " + waitingFor);
    }

    /** "n1 has not heard from [n3]; ..." for every running node still missing a peer, or "" when none is. */
    private String unheardPeers(String token) throws InterruptedException {
        StringBuilder missing = new StringBuilder();
        for (int i = 0; i < specs.size(); i++) {
            if (!isAlive(i)) {
                continue;
            }
            List<String> unheard = new ArrayList<>();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + specs.get(i).http() + "/admin/peers"))
                        .timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    unheard.add("(GET /admin/peers answered " + r.statusCode() + ")");
                } else {
                    JsonObject peers = new JsonObject(r.body()).getJsonObject("peers");
                    for (String peer : peers.fieldNames()) {
                        JsonObject p = peers.getJsonObject(peer);
                        if (p.getBoolean("talks", false) && p.getString("http") == null) {
                            unheard.add(peer);
                        }
                    }
                }
            } catch (IOException e) {
                unheard.add("(GET /admin/peers failed: " + e.getMessage() + ")");
            }
            if (!unheard.isEmpty()) {
                missing.append(missing.isEmpty() ? "" : "; ").append(specs.get(i).name()).append(" has not heard from ").append(unheard);
            }
        }
        return missing.toString();
    }

    /** Waits until node {@code i} answers /readyz with 200. */
    public void awaitReady(int i, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://" + specs.get(i).http() + "/readyz");
        while (System.nanoTime() < deadline) {
            Process p = processes[i];
            if (p != null && !p.isAlive()) {
                throw new IOException(specs.get(i).name() + " exited with code " + p.exitValue() + "; see "
                        + root.resolve(specs.get(i).name()).resolve("node.out"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException(specs.get(i).name() + " not ready after " + timeout);
    }

    /** kill -9: no shutdown hook, nothing flushed beyond what was synced. */
    public void kill9(int i) throws InterruptedException {
        ChildJvm.kill9(processes[i]);
    }

    /** SIGTERM, then kill -9 if it does not stop in time. */
    public void stop(int i) throws InterruptedException {
        ChildJvm.stop(processes[i]);
    }

    public boolean isAlive(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** Stops every node: all get SIGTERM at once, then each is waited for. */
    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (int i = 0; i < processes.length; i++) {
            stop(i);
        }
    }
}
