package io.physalia.benchmarks.physalia;

import io.physalia.node.local.FreePorts;
import io.physalia.node.local.ChildJvm;
import io.physalia.node.KeyFile;
import io.physalia.node.NodeMain;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Physalia nodes as real processes on loopback (real fsync, TCP, HMAC frames), started with the
 * benchmark's JVM flags. The node count and the peers list are fixed; any node may be stopped,
 * killed and started again on the same data directory.
 */
public final class PhysaliaColony implements AutoCloseable {
    private static final Pattern PEERS_ALIVE = Pattern.compile("\"peersAlive\":(\\d+)");
    private static final Pattern CELLS = Pattern.compile("\"cells\":(\\d+)");

    private final Path root;
    private final List<String> jvmFlags;
    private final List<String> nodeFlags;
    private final List<String> names = new ArrayList<>();
    private final int[] httpPorts;
    private final int[] peerPorts;
    private final Process[] processes;
    private final Path keyFile;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    public PhysaliaColony(Path root, int nodes, List<String> jvmFlags) throws IOException {
        this(root, nodes, jvmFlags, List.of());
    }

    /** {@code nodeFlags}: more physalia-node flags for every node (the benchmark's --node-flags). */
    public PhysaliaColony(Path root, int nodes, List<String> jvmFlags, List<String> nodeFlags) throws IOException {
        this.root = root.toAbsolutePath();
        this.jvmFlags = List.copyOf(jvmFlags);
        this.nodeFlags = List.copyOf(nodeFlags);
        this.httpPorts = new int[nodes];
        this.peerPorts = new int[nodes];
        this.processes = new Process[nodes];
        Files.createDirectories(this.root);
        this.keyFile = this.root.resolve("colony.key");
        if (!Files.exists(keyFile)) {
            KeyFile.generate(keyFile);
        }
        this.adminToken = KeyFile.load(keyFile).adminToken();
        int[] ports = FreePorts.ports(2 * nodes);
        for (int i = 0; i < nodes; i++) {
            names.add("n" + (i + 1));
            httpPorts[i] = ports[2 * i];
            peerPorts[i] = ports[2 * i + 1];
        }
    }

    public int size() {
        return names.size();
    }

    public List<String> names() {
        return List.copyOf(names);
    }

    /** host:port of node {@code i}'s HTTP API. */
    public String http(int i) {
        return "127.0.0.1:" + httpPorts[i];
    }

    public List<String> httpAll() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            all.add(http(i));
        }
        return all;
    }

    public String adminToken() {
        return adminToken;
    }

    public Process process(int i) {
        return processes[i];
    }

    public Path dataDir(int i) {
        return root.resolve(names.get(i));
    }

    public void start(int i) throws IOException {
        List<String> all = new ArrayList<>();
        for (int k = 0; k < size(); k++) {
            all.add(names.get(k) + "=127.0.0.1:" + peerPorts[k]);
        }
        String peers = String.join(",", all);
        List<String> args = new ArrayList<>(List.of("--name", names.get(i), "--data-dir", dataDir(i).toString(),
                "--peer-port", Integer.toString(peerPorts[i]), "--http-port", Integer.toString(httpPorts[i]),
                "--peers", peers, "--key-file", keyFile.toString(),
                "--parent-pid", Long.toString(ProcessHandle.current().pid())));
        args.addAll(nodeFlags);
        processes[i] = ChildJvm.start(NodeMain.class, jvmFlags, args, dataDir(i).resolve("node.out"));
    }

    /** Starts every node and waits until each is ready and sees all its peers alive. */
    public void startAll(Consumer<String> progress) throws IOException, InterruptedException {
        for (int i = 0; i < size(); i++) {
            start(i);
        }
        for (int i = 0; i < size(); i++) {
            awaitReady(i, Duration.ofSeconds(90), size() - 1, -1);
        }
        progress.accept("  " + size() + " Physalia nodes ready, every peer alive");
    }

    /**
     * Waits until node {@code i} answers /readyz with 200, sees at least {@code peersAlive} peers
     * and hosts at least {@code cells} cells (-1: any).
     */
    public void awaitReady(int i, Duration timeout, int peersAlive, long cells) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://" + http(i) + "/readyz");
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            Process p = processes[i];
            if (p != null && !p.isAlive()) {
                throw new IOException(names.get(i) + " exited with code " + p.exitValue() + "; see " + dataDir(i).resolve("node.out"));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && number(PEERS_ALIVE, r.body()) >= peersAlive && number(CELLS, r.body()) >= cells) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IOException(names.get(i) + " not ready after " + timeout + "; last answer: " + last);
    }

    private static long number(Pattern p, String body) {
        Matcher m = p.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Creates {@code count} cells named {@code prefix + i} with every node as a member, through
     * the client API ({@code PUT /cells/{cell}}, which the receiving node forwards to the other
     * members), {@code inFlight} at a time, each sent to node {@code i mod nodes}.
     */
    public void createCells(String prefix, int count, int inFlight, Consumer<String> progress) throws IOException, InterruptedException {
        bulkPut(prefix, count, inFlight, i -> names, i -> i % size(), "/cells/", false, "created", progress);
    }

    /** Creates {@code count} cells named {@code prefix + i} with the members {@code membersOf(i)}, each asked of its first member. */
    public void createCells(String prefix, int count, int inFlight, IntFunction<List<String>> membersOf,
                            Consumer<String> progress) throws IOException, InterruptedException {
        bulkPut(prefix, count, inFlight, membersOf, i -> names.indexOf(membersOf.apply(i).getFirst()), "/cells/", false, "created", progress);
    }

    /**
     * Hosts {@code count} replicas named {@code prefix + i} on node {@code node} alone, through
     * the admin API ({@code PUT /admin/cells/{cell}}, as the control plane does), each a founding
     * member of a cell of every node; the other members are not asked to host them.
     */
    public void hostOn(int node, String prefix, int count, int inFlight, Consumer<String> progress) throws IOException, InterruptedException {
        bulkPut(prefix, count, inFlight, i -> names, i -> node, "/admin/cells/", true, "hosted", progress);
    }

    /** PUTs cell {@code prefix + i} with the members {@code membersOf(i)} to node {@code nodeOf(i)}, {@code inFlight} at a time. */
    private void bulkPut(String prefix, int count, int inFlight, IntFunction<List<String>> membersOf, IntUnaryOperator nodeOf,
                         String route, boolean admin, String verb, Consumer<String> progress) throws IOException, InterruptedException {
        // Its own client, closed at the end: idle connections would otherwise stay open and be counted as the node's footprint.
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build()) {
            bulkPut(client, prefix, count, inFlight, membersOf, nodeOf, route, admin, verb, progress);
        }
    }

    private void bulkPut(HttpClient client, String prefix, int count, int inFlight, IntFunction<List<String>> membersOf,
                         IntUnaryOperator nodeOf, String route, boolean admin, String verb, Consumer<String> progress)
            throws IOException, InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        long t0 = System.nanoTime();
        long lastReport = t0;
        for (int i = 0; i < count && failure.get() == null; i++) {
            String body = "{\"members\":[" + membersOf.apply(i).stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(",")) + "]}";
            window.acquire();
            putOne(client, prefix + i, nodeOf.applyAsInt(i), route, admin, body, 0).whenComplete((ok, err) -> {
                if (err != null) {
                    failure.compareAndSet(null, err.getMessage());
                }
                done.incrementAndGet();
                window.release();
            });
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                progress.accept(String.format("  %s %,d of %,d cells", verb, done.get(), count));
            }
        }
        window.acquire(inFlight);
        window.release(inFlight);
        if (failure.get() != null) {
            throw new IOException(verb + " cells failed: " + failure.get());
        }
        progress.accept(String.format("  %s %,d cells of %d members in %.1f s", verb, count, count == 0 ? size() : membersOf.apply(0).size(),
                (System.nanoTime() - t0) / 1e9));
    }

    private CompletableFuture<Void> putOne(HttpClient client, String cell, int node, String route, boolean admin, String body, int attempt) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + http(node) + route + cell))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (admin) {
            b.header("Authorization", "Bearer " + adminToken);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).handle((r, err) -> {
            if (err == null && (r.statusCode() == 201 || r.statusCode() == 200)) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            String why = err != null ? err.toString() : "HTTP " + r.statusCode() + " " + r.body();
            if (attempt >= 10) {
                return CompletableFuture.<Void>failedFuture(new IOException("cell " + cell + ": " + why));
            }
            // 202/503: not yet on every member (a peer not heard from yet); the PUT is idempotent, so retry
            return CompletableFuture.runAsync(() -> { },
                    CompletableFuture.delayedExecutor(200L * (attempt + 1), java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(x -> putOne(client, cell, node, route, admin, body, attempt + 1));
        }).thenCompose(f -> f);
    }

    /** GETs {@code path} from node {@code i}. */
    public HttpResponse<String> get(int i, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + http(i) + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A counter or gauge from node {@code i}'s /metrics (the sum over its label sets), or NaN. */
    public double metric(int i, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + http(i) + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        double sum = Double.NaN;
        for (String line : r.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum = Double.isNaN(sum) ? v : sum + v;
            }
        }
        return sum;
    }

    public void kill9(int i) throws InterruptedException {
        ChildJvm.kill9(processes[i]);
    }

    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        try {
            for (Process p : processes) {
                ChildJvm.stop(p);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the children exit by themselves when this process does
        }
    }
}
