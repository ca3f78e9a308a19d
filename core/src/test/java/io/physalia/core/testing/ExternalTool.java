package io.physalia.core.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Programs that tests run but this project does not build (SPIN and gcc for the protocol model,
 * Prometheus's promtool for the alert rules), found on PATH. Nothing is installed from here: a
 * missing program fails the test with what to install, because a check that cannot run must not
 * pass. {@code .ci/run} installs what the tests need.
 */
public final class ExternalTool {
    private ExternalTool() {}

    /** What a program printed (stdout and stderr together) and its exit code. */
    public record Result(int exit, String output) {}

    /** The executable {@code name} on PATH; fails the test with {@code howToGet} if there is none. */
    public static Path onPath(String name, String howToGet) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new AssertionError(name + " is not on PATH (" + path + "). " + howToGet);
    }

    /** Runs {@code command} in {@code dir}; fails the test if it runs past {@code timeout}. */
    public static Result run(Path dir, List<String> command, Duration timeout) throws IOException, InterruptedException {
        return run(dir, command, Map.of(), timeout);
    }

    /**
     * Runs {@code command} in {@code dir} with {@code environment} set over this JVM's (an empty
     * value removes the variable); fails the test if it runs past {@code timeout}.
     */
    public static Result run(Path dir, List<String> command, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process p = builder.start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
        // Read while it runs: a full pipe would stall the program and look like a timeout.
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output lost: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
        }
        reader.join(5000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }
}
