package io.physalia.benchmarks.physalia;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.LatencyRecorder;
import io.physalia.benchmarks.LatencyResult;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.PhysaliaException;
import io.physalia.client.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Single-cell latency at low load: one client, one operation at a time, against the cell's
 * leader (writes and linearizable reads) and one follower (eventual reads); then the bare HTTP
 * round trip ({@code GET /healthz}) with the same JDK HTTP client, the floor under all of them.
 */
public final class PhysaliaLatency {
    private PhysaliaLatency() {}

    public static LatencyResult run(PhysaliaColony colony, BenchOptions o, Consumer<String> progress)
            throws IOException, InterruptedException, PhysaliaException {
        colony.createCells("latency-", 1, 1, progress);
        String cell = "latency-0";
        String value = Payload.valueJson(o.payloadBytes(), 1);
        Response first = new PhysaliaClient(colony.httpAll()).put(cell, "k", value);
        check(first);
        String leader = first.node(); // the client followed the redirect to the leader
        String follower = colony.httpAll().stream().filter(h -> !h.equals(leader)).findFirst().orElse(leader);
        PhysaliaClient atLeader = new PhysaliaClient(List.of(leader));
        PhysaliaClient atFollower = new PhysaliaClient(List.of(follower));

        progress.accept("  " + o.warmupOps() + " warm-up operations of each kind, then " + o.samples() + " samples; leader " + leader);
        for (int i = 0; i < o.warmupOps(); i++) {
            check(atLeader.put(cell, "k", value));
            check(atLeader.get(cell, "k", "linearizable"));
            check(atFollower.get(cell, "k", "eventual"));
        }
        int leaderIndex = colony.httpAll().indexOf(leader);
        double syncsBefore = colony.metric(leaderIndex, "physalia_log_syncs");
        LatencyRecorder writes = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            check(atLeader.put(cell, "k", value));
            writes.record(System.nanoTime() - t0);
        }
        double leaderSyncsPerWrite = (colony.metric(leaderIndex, "physalia_log_syncs") - syncsBefore) / o.samples();
        LatencyRecorder reads = new LatencyRecorder();
        long local = 0;
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            Response r = atLeader.get(cell, "k", "linearizable");
            reads.record(System.nanoTime() - t0);
            check(r);
            if (r.body().contains("\"servedLocally\":true")) {
                local++;
            }
        }
        LatencyRecorder followerReads = new LatencyRecorder();
        for (int i = 0; i < o.samples(); i++) {
            long t0 = System.nanoTime();
            Response r = atFollower.get(cell, "k", "eventual");
            followerReads.record(System.nanoTime() - t0);
            check(r);
        }
        LatencyRecorder floor = new LatencyRecorder();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://" + leader + "/healthz")).timeout(Duration.ofSeconds(10)).build();
            for (int i = 0; i < o.warmupOps() + o.samples(); i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (i >= o.warmupOps()) {
                    floor.record(System.nanoTime() - t0);
                }
                if (r.statusCode() != 200) {
                    throw new IOException("GET /healthz at " + leader + ": HTTP " + r.statusCode() + " " + r.body());
                }
            }
        }
        return new LatencyResult(writes, reads, followerReads, (double) local / o.samples(), floor, leaderSyncsPerWrite);
    }

    private static void check(Response r) throws IOException {
        if (r.status() != 200 || r.body().contains("\"found\":false")) {
            throw new IOException("unexpected answer from " + r.node() + ": HTTP " + r.status() + " " + r.body());
        }
    }
}
