package io.physalia.monitoring;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own tools, found on PATH (Debian's {@code prometheus} package has both
 * {@code prometheus} and {@code promtool}; {@code .ci/run} installs it when missing). Nothing is
 * installed from here, and a missing tool fails the test: a check that cannot run must not pass.
 */
final class Tools {
    private Tools() {}

    /** The module's directory (surefire's basedir), where the rules and their tests are. */
    static Path module() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    /** The executable {@code name} on PATH; fails the test, saying how to get it, if there is none. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        throw new AssertionError(name + " is not on PATH (" + path + "): the monitoring tests need Prometheus's own tools. "
                + "Install Debian's prometheus package (apt-get install prometheus: it provides prometheus and promtool), "
                + "as .ci/run does when promtool is missing.");
    }

    record Result(int exit, String output) {}

    /** Runs {@code command} in {@code dir}, stdout and stderr together; fails the test past {@code timeout}. */
    static Result run(Path dir, List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[][] out = new byte[1][];
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
