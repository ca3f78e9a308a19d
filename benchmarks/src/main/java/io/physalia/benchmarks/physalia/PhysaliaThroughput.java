package io.physalia.benchmarks.physalia;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.ClosedLoopLoad;
import io.physalia.benchmarks.ThroughputResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Aggregate committed writes/s with many active cells: {@link ClosedLoopLoad} over async HTTP.
 * Each cell has its own client id and sequence (one writer per cell, one write in flight), and
 * the driver remembers each cell's leader from the 307 redirects, as a real client does.
 */
public final class PhysaliaThroughput {
    private static final int MAX_REDIRECTS = 5;

    private final PhysaliaColony colony;
    private final String[] leader;
    private final long[] seq;
    private final String prefix;
    private final String value;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "load-http");
                t.setDaemon(true);
                return t;
            }))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private PhysaliaThroughput(PhysaliaColony colony, String prefix, int cells, int payloadBytes) {
        this.colony = colony;
        this.prefix = prefix;
        this.leader = new String[cells];
        this.seq = new long[cells];
        this.value = Payload.valueJson(payloadBytes, 2);
        for (int i = 0; i < cells; i++) {
            leader[i] = colony.http(i % colony.size()); // first guess: spread the first requests (and so leaders)
        }
    }

    public static ThroughputResult run(PhysaliaColony colony, int cells, BenchOptions o, Consumer<String> progress)
            throws IOException, InterruptedException {
        String prefix = "load" + cells + "-";
        colony.createCells(prefix, cells, 64, progress);
        PhysaliaThroughput load = new PhysaliaThroughput(colony, prefix, cells, o.payloadBytes());
        progress.accept("  priming: one write to every cell (elects its leader)");
        long unprimed = ClosedLoopLoad.once(cells, o.concurrency(), load::write);
        if (unprimed > 0) {
            throw new IOException(unprimed + " of " + cells + " cells did not commit a write in 10 tries");
        }
        progress.accept(String.format("  loading %,d cells with %d writes in flight", cells, o.concurrency()));
        long[] pids = new long[colony.size()];
        for (int i = 0; i < pids.length; i++) {
            pids[i] = colony.process(i).pid();
        }
        return ThroughputResult.measure(cells, pids, () -> {
            double syncs = 0;
            for (int i = 0; i < colony.size(); i++) {
                syncs += colony.metric(i, "physalia_log_syncs");
            }
            return syncs;
        }, o, load::write, progress);
    }

    private CompletableFuture<Boolean> write(int cell) {
        long s = ++seq[cell]; // one write in flight per cell: no race on its counter
        String body = "{\"client\":\"bench-" + cell + "\",\"seq\":" + s
                + ",\"ops\":[{\"op\":\"put\",\"key\":\"k\",\"value\":" + value + "}]}";
        return send(cell, body, 0);
    }

    private CompletableFuture<Boolean> send(int cell, String body, int hop) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + leader[cell] + "/cells/" + prefix + cell + "/txn"))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, err) -> {
            if (err != null) {
                return CompletableFuture.completedFuture(false);
            }
            int st = r.statusCode();
            if ((st == 307 || st == 308) && hop < MAX_REDIRECTS) {
                String loc = r.headers().firstValue("Location").orElse(null);
                if (loc != null) {
                    leader[cell] = URI.create(loc).getAuthority(); // not proposed: resending is safe
                    return send(cell, body, hop + 1);
                }
            }
            if (st == 200) {
                return CompletableFuture.completedFuture(r.body().contains("\"status\":\"OK\""));
            }
            if (st == 429 || st == 503) { // overloaded or electing: back off a little, as the client would
                return CompletableFuture.supplyAsync(() -> false, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
            }
            return CompletableFuture.completedFuture(false);
        }).thenCompose(f -> f);
    }
}
