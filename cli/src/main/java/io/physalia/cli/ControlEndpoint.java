package io.physalia.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.physalia.controlplane.runtime.WorkerPool;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local control plane's HTTP endpoint on loopback, behind {@code physalia create --client-rack},
 * {@code move}, {@code start-node}, {@code status}, {@code pause} and {@code resume}: routes,
 * query parameters and answers; the operations themselves are {@link ColonyControl}'s. Bad input
 * is a 400 with the reason, a refused placement a 409 with every reason.
 */
final class ControlEndpoint {
    static final String ROUTES = "routes: GET /status, POST /pause?reason=, POST /resume, POST /cells/{cell}?client-rack=&size=&color=, "
            + "POST /cells/{cell}/clients?client-rack=, POST /nodes/{node}/start\n";

    private final ColonyControl control;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> WorkerPool.daemon(r, "control-http"));

    private ControlEndpoint(ColonyControl control, int port) throws IOException {
        this.control = control;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
    }

    static ControlEndpoint start(ColonyControl control, int port) throws IOException {
        ControlEndpoint e = new ControlEndpoint(control, port);
        e.server.start();
        return e;
    }

    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        try {
            if (method.equals("GET") && path.equals("/status")) {
                reply(ex, 200, "text/plain", control.status());
            } else if (method.equals("POST") && path.equals("/pause")) {
                control.pause(q.getOrDefault("reason", "paused by operator"));
                reply(ex, 200, "text/plain", "paused: no cell is placed, repaired or moved until physalia resume\n");
            } else if (method.equals("POST") && path.equals("/resume")) {
                control.resume();
                reply(ex, 200, "text/plain", "resumed\n");
            } else if (method.equals("POST") && path.matches("/nodes/[^/]+/start")) {
                reply(ex, 200, "text/plain", control.startNode(path.split("/")[2]));
            } else if (method.equals("POST") && path.matches("/cells/[^/]+/clients")) {
                reply(ex, 200, "application/json", control.move(path.split("/")[2], racks(q)) + "\n");
            } else if (method.equals("POST") && path.matches("/cells/[^/]+")) {
                Integer size = null;
                if (q.containsKey("size")) {
                    try {
                        size = Integer.parseInt(q.get("size"));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("size must be a number; got '" + q.get("size") + "'");
                    }
                }
                String color = q.get("color");
                String body = control.create(path.substring("/cells/".length()), racks(q), size == null ? control.defaultSize() : size, color);
                reply(ex, body.contains("\"placed\":true") ? 200 : 409, "application/json", body + "\n");
            } else {
                reply(ex, 404, "text/plain", ROUTES);
            }
        } catch (IllegalArgumentException e) {
            reply(ex, 400, "text/plain", e.getMessage() + "\n");
        } catch (Exception e) {
            reply(ex, 500, "text/plain", e + "\n");
        }
    }

    private static List<String> racks(Map<String, String> q) {
        String v = q.getOrDefault("client-rack", "");
        List<String> racks = List.of(v.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (racks.isEmpty()) {
            throw new IllegalArgumentException("give the clients' racks: client-rack=r1-k1[,r2-k1...]");
        }
        return racks;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
