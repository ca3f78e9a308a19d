package io.physalia.e2e.kind;

import io.physalia.core.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * What the Kind suite needs from this machine: a Docker engine that answers, the kind CLI and a
 * node image. Offline (here) they come from {@code e2e/kind/docker-up.sh} and
 * {@code e2e/kind/build-node-image.sh}; with internet, {@code -Dphysalia.kind.nodeImage=kindest/node:v1.36.3}
 * lets kind pull the upstream image instead, and {@code -Dphysalia.kind.bin} (or a {@code kind} on PATH)
 * names the CLI.
 *
 * <p>When something is missing the suite does not pass: it is aborted with the reason (JUnit reports
 * it as skipped, with the reason printed), or fails with it when {@code -Dphysalia.kind.required=true}
 * or the environment has {@code PHYSALIA_KIND_REQUIRED=true}, as {@code .ci/run} sets it.
 */
record KindSetup(Path kind, String nodeImage) {
    static final String OFFLINE_IMAGE = "physalia/kind-node:v1.36.3";
    static final String KIND_VERSION = "v0.33.0";
    /** A busybox image (Debian's busybox-static) the suite runs probes in: made by e2e/kind/build-node-image.sh. */
    static final String PROBE_IMAGE = System.getProperty("physalia.kind.probeImage", "physalia/kind-probe:busybox");
    private static final String HOW =
            "Start a Docker engine (as root: e2e/kind/docker-up.sh) and build the node image offline "
                    + "(e2e/kind/build-node-image.sh), or on a machine with internet pass "
                    + "-Dphysalia.kind.nodeImage=kindest/node:v1.36.3 and put kind on PATH (docs/kubernetes-tests.md).";

    /** This machine's setup; aborts (or fails, when required) with what is missing. */
    static KindSetup require() {
        String nodeImage = System.getProperty("physalia.kind.nodeImage", OFFLINE_IMAGE);
        String missing;
        Path kind = null;
        try {
            kind = kindBinary();
            missing = kind == null ? "no kind CLI (looked at -Dphysalia.kind.bin, " + cachedKind() + " and PATH)" : null;
            if (missing == null) {
                ExternalTool.Result info = docker(List.of("info", "--format", "{{.ServerVersion}}"), Duration.ofSeconds(20));
                if (info.exit() != 0) {
                    missing = "no Docker engine answers (docker info: " + info.output().strip() + ")";
                } else if (nodeImage.equals(OFFLINE_IMAGE)
                        && docker(List.of("image", "inspect", nodeImage), Duration.ofSeconds(20)).exit() != 0) {
                    missing = "the offline node image " + nodeImage + " is not in Docker";
                } else if (docker(List.of("image", "inspect", PROBE_IMAGE), Duration.ofSeconds(20)).exit() != 0) {
                    missing = "the probe image " + PROBE_IMAGE + " is not in Docker";
                }
            }
        } catch (IOException e) {
            missing = "cannot run docker: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (missing != null) {
            String why = "Kind suite not run: " + missing + ". " + HOW;
            System.out.println(why);
            if (Boolean.getBoolean("physalia.kind.required") || "true".equals(System.getenv("PHYSALIA_KIND_REQUIRED"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        return new KindSetup(kind, nodeImage);
    }

    /** The upstream node image is pulled by kind; ours has images preloaded that must not be pulled. */
    boolean offline() {
        return nodeImage.equals(OFFLINE_IMAGE);
    }

    static ExternalTool.Result docker(List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(args);
        return ExternalTool.run(Path.of("."), command, timeout);
    }

    private static Path cachedKind() {
        return Path.of(System.getProperty("user.home"), ".cache", "physalia-kind", "bin", "kind-" + KIND_VERSION, "kind");
    }

    private static Path kindBinary() {
        String property = System.getProperty("physalia.kind.bin");
        if (property != null && !property.isBlank()) {
            Path p = Path.of(property);
            if (!Files.isExecutable(p)) {
                throw new AssertionError("-Dphysalia.kind.bin=" + property + " is not an executable file");
            }
            return p;
        }
        if (Files.isExecutable(cachedKind())) {
            return cachedKind();
        }
        try {
            return ExternalTool.onPath("kind", "");
        } catch (AssertionError none) {
            return null;
        }
    }
}
