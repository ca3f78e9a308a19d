package io.physalia.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code physalia local --prometheus-config DIR} writes, so anyone with Prometheus can watch
 * the local colony: a Prometheus configuration that scrapes every node (file-based service
 * discovery, each target labelled colony, color and node, as the rules expect) and evaluates the
 * Physalia rules, the rules themselves, and the Grafana dashboard. The rules and the dashboard
 * are {@code monitoring/} in the source tree, packaged into this jar.
 */
public final class PrometheusConfig {
    public static final String CONFIG = "prometheus.yml";
    public static final String TARGETS = "physalia-targets.json";
    public static final String RULES = "physalia-rules.yml";
    public static final String DASHBOARD = "dashboard.json";
    /** The scrape job's name: the rules' node-down alert looks at {@code up{job="physalia"}}. */
    public static final String JOB = "physalia";

    /** A node to scrape: its name, color and HTTP address ({@code host:port}). */
    public record Target(String node, String color, String address) {}

    private PrometheusConfig() {}

    /** Why {@code dir} cannot take the files, naming the flag, or null if it can (created if missing). */
    static String problem(Path dir) {
        if (dir.toString().isBlank()) {
            return "--prometheus-config needs a directory";
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            return "--prometheus-config " + dir + ": exists and is not a directory";
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return "--prometheus-config " + dir + ": cannot create the directory (" + e.getMessage() + ")";
        }
        if (!Files.isWritable(dir)) {
            return "--prometheus-config " + dir + ": the directory is not writable";
        }
        return null;
    }

    /**
     * Writes the configuration, the targets, the rules and the dashboard into {@code dir}, scraping
     * and evaluating every {@code interval}; returns the configuration's path.
     */
    public static Path write(Path dir, String colony, List<Target> targets, Duration interval) throws IOException {
        Files.createDirectories(dir);
        long seconds = Math.max(1, interval.toSeconds());
        String config = """
                # Written by `physalia local --prometheus-config`: scrapes the local colony's nodes and
                # evaluates the Physalia rules (docs/operations.md). Run:
                #   prometheus --config.file=%s
                global:
                  scrape_interval: %ds
                  scrape_timeout: %ds
                  evaluation_interval: %ds
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: %s
                    # the nodes label every sample with colony, color and node themselves
                    honor_labels: true
                    file_sd_configs:
                      - files: [%s]
                        refresh_interval: 30s
                """.formatted(dir.toAbsolutePath().resolve(CONFIG), seconds, seconds, seconds, RULES, JOB, TARGETS);
        JsonArray groups = new JsonArray();
        for (Target t : targets) {
            groups.add(new JsonObject().put("targets", new JsonArray().add(t.address()))
                    .put("labels", new JsonObject().put("colony", colony).put("color", t.color()).put("node", t.node())));
        }
        write(dir.resolve(TARGETS), groups.encodePrettily() + "\n");
        write(dir.resolve(RULES), resource(RULES));
        write(dir.resolve(DASHBOARD), resource(DASHBOARD));
        Path path = dir.resolve(CONFIG);
        write(path, config); // last: a Prometheus watching the directory finds its files complete
        return path;
    }

    /** A file of {@code monitoring/} as packaged in this jar. */
    public static String resource(String name) throws IOException {
        try (InputStream in = PrometheusConfig.class.getResourceAsStream("/monitoring/" + name)) {
            if (in == null) {
                throw new IOException("monitoring/" + name + " is not packaged in the physalia jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
