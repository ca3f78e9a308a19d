package io.physalia.monitoring;

import io.physalia.cli.PrometheusConfig;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.node.local.LocalColony;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A real Prometheus (Debian's, found on PATH) against a local colony of six real node processes,
 * two colors of three (n1-n3 blue, n4-n6 green), two cells of 3 in each color (b1, b2 on blue;
 * g1, g2 on green), one writer each on b1 and g1. Prometheus finds the nodes through the
 * file-based service discovery that {@code physalia local --prometheus-config} writes
 * ({@link PrometheusConfig}, scraping and evaluating every second) and loads the rules file with
 * every {@code for:} shortened to {@value #FOR_IN_TEST} (the one change), so alerts fire within
 * seconds. Shared by PrometheusColonyTest and DashboardSnapshot, so both see the same colony.
 */
final class PrometheusColony implements AutoCloseable {
    static final String FOR_IN_TEST = "3s";
    /** The colors' names, as a Grafana multi-value variable renders "All" for them. */
    static final String COLORS = "blue|green";

    private final LocalColony colony;
    private final List<Thread> writers = new ArrayList<>();
    private PrometheusServer prometheus;

    private PrometheusColony(LocalColony colony) {
        this.colony = colony;
    }

    /**
     * Starts the nodes, creates the cells, starts a writer on b1 and on g1 (one write per
     * {@code writeEvery}, each), then Prometheus; returns once it is ready. On failure, whatever
     * was started is stopped.
     */
    static PrometheusColony start(Path dir, Duration writeEvery, Consumer<String> progress) throws Exception {
        Tools.onPath("prometheus"); // before six nodes start, if it is missing
        PrometheusColony c = new PrometheusColony(new LocalColony(dir.resolve("colony"), LocalColony.freePorts(6)));
        try {
            c.startAll(dir, writeEvery, progress);
            return c;
        } catch (Exception | Error e) {
            c.close();
            throw e;
        }
    }

    private void startAll(Path dir, Duration writeEvery, Consumer<String> progress) throws Exception {
        Map<String, String> colors = new TreeMap<>();
        for (LocalColony.NodeSpec n : colony.specs()) {
            colors.put(n.name(), Integer.parseInt(n.name().substring(1)) <= 3 ? "blue" : "green");
        }
        String peerColors = colors.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        colors.forEach((n, c) -> colony.nodeArgs(n, List.of("--labels", "physalia.io/color=" + c, "--peer-colors", peerColors)));
        colony.startAll(line -> { });
        progress.accept("6 nodes ready");
        PhysaliaClient blue = client(0, 3);
        PhysaliaClient green = client(3, 6);
        createCells(blue, List.of("b1", "b2"), List.of("n1", "n2", "n3"));
        createCells(green, List.of("g1", "g2"), List.of("n4", "n5", "n6"));
        writers.add(SteadyWriter.start(blue, "b1", writeEvery));
        writers.add(SteadyWriter.start(green, "g1", writeEvery));

        Path config = prometheusFiles(dir.resolve("prometheus"), colors);
        prometheus = PrometheusServer.start(dir.resolve("prometheus"), config);
        progress.accept("Prometheus ready at http://" + prometheus.address());
    }

    private static void createCells(PhysaliaClient client, List<String> cells, List<String> members) throws Exception {
        for (String cell : cells) {
            Response r = client.createCell(cell, members);
            if (r.status() != 201) {
                throw new IllegalStateException("create " + cell + ": " + r.status() + " " + r.body());
            }
        }
    }

    /** kill -9 of node {@code i} (0-based: 0-2 are blue's n1-n3, 3-5 green's n4-n6). */
    void kill9(int i) throws InterruptedException {
        colony.kill9(i);
    }

    /**
     * The files {@code physalia local --prometheus-config} writes, scraping every second, with
     * the one change: the rules' {@code for:} durations shortened to {@value #FOR_IN_TEST}.
     */
    private Path prometheusFiles(Path dir, Map<String, String> colors) throws IOException {
        List<PrometheusConfig.Target> targets = colony.specs().stream()
                .map(n -> new PrometheusConfig.Target(n.name(), colors.get(n.name()), n.http())).toList();
        Path config = PrometheusConfig.write(dir, LocalColony.COLONY, targets, Duration.ofSeconds(1));
        Path rules = dir.resolve(PrometheusConfig.RULES);
        Files.writeString(rules, PrometheusServer.shortenedFor(Files.readString(rules), FOR_IN_TEST));
        return config;
    }

    private PhysaliaClient client(int from, int to) {
        return new PhysaliaClient(colony.specs().subList(from, to).stream().map(LocalColony.NodeSpec::http).toList());
    }

    /** The Prometheus scraping the colony. */
    PrometheusServer prometheus() {
        return prometheus;
    }

    /** Stops the writers, Prometheus, then the nodes. */
    @Override
    public void close() throws InterruptedException {
        writers.forEach(Thread::interrupt);
        if (prometheus != null) {
            prometheus.close();
        }
        colony.close();
    }
}
