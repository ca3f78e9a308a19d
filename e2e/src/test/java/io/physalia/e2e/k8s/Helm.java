package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the helm built by {@code e2e/k8s-bin/build-helm.sh} (next to the control plane's binaries) on
 * the chart {@code helm/physalia}, with helm's cache, config and data homes in a directory of its own
 * (never the user's), against the control plane's kubeconfig when one is given.
 */
public final class Helm {
    /** The chart (surefire runs in the e2e module's directory). */
    public static final Path CHART = Path.of("..", "helm", "physalia").toAbsolutePath().normalize();

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path binary;
    private final Path home;
    private final Path kubeconfig;

    private Helm(Path binary, Path home, Path kubeconfig) {
        this.binary = binary;
        this.home = home;
        this.kubeconfig = kubeconfig;
    }

    /** Helm for the control plane's cluster, its homes under {@code home}. */
    static Helm on(ControlPlane plane, Path home) {
        return at(plane.binaries().binary("helm"), home, plane.kubeconfig());
    }

    /** The helm at {@code binary} for the cluster of {@code kubeconfig}, its homes under {@code home}. */
    public static Helm at(Path binary, Path home, Path kubeconfig) {
        assertTrue(Files.isExecutable(binary), "no helm at " + binary + ": run e2e/k8s-bin/build-helm.sh");
        return new Helm(binary, home, kubeconfig);
    }

    public Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        if (kubeconfig != null) {
            command.add("--kubeconfig=" + kubeconfig);
        }
        Map<String, String> environment = Map.of(
                "HELM_CACHE_HOME", home.resolve("cache").toString(),
                "HELM_CONFIG_HOME", home.resolve("config").toString(),
                "HELM_DATA_HOME", home.resolve("data").toString(),
                "KUBECONFIG", ""); // never the user's cluster
        try {
            // in this JVM's directory, as relative paths in the arguments expect
            ExternalTool.Result r = ExternalTool.run(Path.of("").toAbsolutePath(), command, environment, Duration.ofSeconds(120));
            return new Result(r.exit(), r.output());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }

    /** {@code helm template} of the chart with the values (YAML text) and extra flags; fails unless it renders. */
    String template(String release, String namespace, String values, String... flags) {
        Result r = templateResult(release, namespace, values, flags);
        assertTrue(r.ok(), "helm template failed:\n" + r.output());
        return r.output();
    }

    Result templateResult(String release, String namespace, String values, String... flags) {
        List<String> args = new ArrayList<>(List.of("template", release, CHART.toString(), "-n", namespace,
                "-f", valuesFile(values).toString()));
        args.addAll(List.of(flags));
        return run(args.toArray(String[]::new));
    }

    /** The values written to a fresh file under the homes' directory. */
    public Path valuesFile(String values) {
        try {
            Files.createDirectories(home);
            Path file = Files.createTempFile(home, "values-", ".yaml");
            Files.writeString(file, values);
            return file;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
