package io.physalia.e2e.k8s;

import io.physalia.core.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs the kubectl built with the control plane. */
public final class Kubectl {
    private Kubectl() {}

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs kubectl with {@code args}; fails the test if it runs past a minute. */
    public static Result run(Path kubectl, Path kubeconfig, Path workDir, String... args) {
        return run(kubectl, kubeconfig, workDir, Duration.ofSeconds(60), args);
    }

    /** Runs kubectl with {@code args}; fails the test if it runs past {@code timeout}. */
    public static Result run(Path kubectl, Path kubeconfig, Path workDir, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(kubectl.toString());
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        try {
            ExternalTool.Result r = ExternalTool.run(workDir, command, timeout);
            return new Result(r.exit(), r.output());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
