package io.physalia.node;

import io.physalia.node.local.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Nodes {@code n1..nN} in this JVM, talking over real loopback TCP, for tests of the transport,
 * the keys and the metrics. With proxies, node i reaches node j only through
 * {@code proxy(i, j)}, a {@link TamperingProxy} of its own per directed link.
 */
final class LoopbackColony implements AutoCloseable {
    final List<Node> nodes = new ArrayList<>();
    final List<String> http = new ArrayList<>();
    private final List<NodeConfig> configs = new ArrayList<>();
    private final TamperingProxy[][] proxies;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param keyFiles one key file per node (they may all be the same file)
     * @param color    every node's color, or null for none
     */
    LoopbackColony(Path dir, List<Path> keyFiles, boolean proxied, String colony, String color) throws Exception {
        int n = keyFiles.size();
        int[] ports = FreePorts.ports(2 * n); // one call: all distinct
        int[] peerPorts = java.util.Arrays.copyOfRange(ports, 0, n);
        int[] httpPorts = java.util.Arrays.copyOfRange(ports, n, 2 * n);
        proxies = new TamperingProxy[n][n];
        try {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (proxied && i != j) {
                        proxies[i][j] = new TamperingProxy(peerPorts[j], 1000L * i + j);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                Map<String, NodeConfig.HostPort> peers = new LinkedHashMap<>();
                Map<String, String> peerColors = new LinkedHashMap<>();
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        int port = proxied ? proxies[i][j].port() : peerPorts[j];
                        peers.put(name(j), new NodeConfig.HostPort("127.0.0.1", port));
                        if (color != null) {
                            peerColors.put(name(j), color);
                        }
                    }
                }
                Map<String, String> labels = color == null ? Map.of() : Map.of(NodeConfig.COLOR_LABEL, color);
                configs.add(new NodeConfig(name(i), dir.resolve(name(i)), "127.0.0.1", peerPorts[i], httpPorts[i],
                        peers, keyFiles.get(i), -1, labels, peerColors, colony));
                nodes.add(Node.start(configs.get(i)));
                http.add("127.0.0.1:" + httpPorts[i]);
            }
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    static String name(int i) {
        return "n" + (i + 1);
    }

    /** Stops node {@code i} (its data stays). */
    void stop(int i) {
        nodes.get(i).close();
    }

    /** Starts node {@code i} again on the same ports and data. */
    void restart(int i) throws Exception {
        nodes.set(i, Node.start(configs.get(i)));
    }

    TamperingProxy proxy(int from, int to) {
        return proxies[from][to];
    }

    List<String> names() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            names.add(name(i));
        }
        return names;
    }

    /** Waits until every node hears every peer's pings. */
    void awaitAllAlive(Duration timeout) throws InterruptedException {
        await(timeout, "every node to hear every peer", () -> nodes.stream()
                .allMatch(nd -> nd.transport().alivePeers(nd.nowMillis()) == nodes.size() - 1));
    }

    HttpResponse<String> send(int node, String method, String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + http.get(node) + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    Scrape scrape(int node) throws IOException, InterruptedException {
        HttpResponse<String> r = send(node, "GET", "/metrics", null, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + r.statusCode());
        }
        return Scrape.parse(r.body());
    }

    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (Node nd : nodes) {
            nd.close();
        }
        for (TamperingProxy[] row : proxies) {
            for (TamperingProxy p : row) {
                if (p != null) {
                    try {
                        p.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            }
        }
    }
}
