package io.physalia.monitoring;

import io.physalia.core.testing.ExternalTool;

import java.nio.file.Path;

/**
 * Prometheus's own tools, found on PATH (Debian's {@code prometheus} package has both
 * {@code prometheus} and {@code promtool}; {@code .ci/run} installs it when missing), found
 * through the shared {@link ExternalTool}, which also runs them.
 */
final class Tools {
    private Tools() {}

    /** The module's directory (surefire's basedir), where the rules and their tests are. */
    static Path module() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    /** The executable {@code name} on PATH; fails the test, saying how to get it, if there is none. */
    static Path onPath(String name) {
        return ExternalTool.onPath(name, "The monitoring tests need Prometheus's own tools. Install Debian's prometheus "
                + "package (apt-get install prometheus: it provides prometheus and promtool), as .ci/run does when "
                + "promtool is missing.");
    }
}
