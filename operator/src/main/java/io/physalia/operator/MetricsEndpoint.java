package io.physalia.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's {@code /metrics} (the Prometheus text exposition) and {@code /healthz}, on a
 * port of their own with a small thread pool of their own, so a slow scrape never waits on a
 * reconciler. Started by {@link OperatorMain}; the e2e dashboard test starts one on the operator
 * it runs, so Prometheus scrapes what a pod would serve.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final int THREADS = 2;
    private final HttpServer server;
    private final ExecutorService pool;

    private MetricsEndpoint(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    /**
     * Listens on {@code address} and serves what {@code metrics} returns at each scrape.
     * Throws if the port cannot be bound.
     */
    public static MetricsEndpoint start(InetSocketAddress address, Supplier<String> metrics) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "operator-metrics");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/metrics", x -> {
            String body;
            try {
                body = metrics.get();
            } catch (RuntimeException e) {
                // a failed scrape says why (Prometheus shows it on the target) instead of a dropped connection
                respond(x, 500, "text/plain", "metrics failed: " + e + "\n");
                return;
            }
            respond(x, 200, "text/plain; version=0.0.4; charset=utf-8", body);
        });
        server.createContext("/healthz", x -> respond(x, 200, "text/plain", "ok\n"));
        server.start();
        return new MetricsEndpoint(server, pool);
    }

    /** The port it listens on (the one chosen, when started on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
