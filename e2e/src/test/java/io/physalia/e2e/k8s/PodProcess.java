package io.physalia.e2e.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The OS process behind one pod incarnation (one pod uid), restarted in place as a kubelet
 * restarts a container: the restart count and the backoff belong to the incarnation, the output
 * goes to one log file per pod name, appended across restarts and incarnations.
 */
final class PodProcess {
    /** A kubelet forgets a container's backoff once it has run this long. */
    private static final Duration BACKOFF_RESET = Duration.ofMinutes(10);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    final String key;
    final String uid;
    final Duration grace;
    final Path log;
    /** The pod's own directory (its working directory, emptyDirs, Secret and ConfigMap files). */
    final Path podDir;
    final PodVolumes.Mounts mounts;
    private Process process;
    private int restarts;
    private int backoffStep;
    private long startedNanos;
    private long exitedNanos;
    private boolean stopping;

    PodProcess(String key, String uid, Duration grace, Path log, Path podDir, PodVolumes.Mounts mounts) {
        this.key = key;
        this.podDir = podDir;
        this.uid = uid;
        this.grace = grace;
        this.log = log;
        this.mounts = mounts;
    }

    /** Starts (or restarts) the process; {@code onExit} runs when it ends, unless it was stopped on purpose. */
    synchronized void start(List<String> command, Map<String, String> env, Path workDir, Consumer<PodProcess> onExit)
            throws IOException {
        if (stopping) {
            throw new IllegalStateException(key + " is being stopped");
        }
        boolean restart = process != null;
        Files.createDirectories(log.getParent());
        Files.writeString(log, "=== pod-runner " + Instant.now() + ": " + (restart ? "restart " + (restarts + 1) : "start")
                        + " of " + key + " uid " + uid + ": " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        Process started = builder.start();
        started.getOutputStream().close(); // a container's stdin is closed unless the pod asks for one
        if (restart) {
            restarts++;
            backoffStep++; // the next restart waits twice as long
        }
        process = started;
        startedNanos = System.nanoTime();
        started.onExit().thenRun(() -> exited(started, onExit));
    }

    private void exited(Process which, Consumer<PodProcess> onExit) {
        synchronized (this) {
            if (which != process || stopping) {
                return;
            }
            exitedNanos = System.nanoTime();
            if (exitedNanos - startedNanos >= BACKOFF_RESET.toNanos()) {
                backoffStep = 0;
            }
        }
        appendNote("exited with code " + which.exitValue());
        onExit.accept(this);
    }

    /** How long until a restart is due: 1 s after the first exit, doubling, at most 10 s. */
    synchronized Duration restartDelay() {
        long backoff = Math.min(MAX_BACKOFF.toNanos(), FIRST_BACKOFF.toNanos() << Math.min(backoffStep, 10));
        return Duration.ofNanos(Math.max(0, exitedNanos + backoff - System.nanoTime()));
    }

    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    synchronized boolean started() {
        return process != null;
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** The last exit's code, or -1 while it runs or before it ever ran. */
    synchronized int exitCode() {
        return process == null || process.isAlive() ? -1 : process.exitValue();
    }

    synchronized int restarts() {
        return restarts;
    }

    /** SIGKILL, as if the container crashed: the runner restarts it. */
    void kill9() {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p != null) {
            appendNote("SIGKILL (kill9 from the test)");
            p.destroyForcibly();
        }
    }

    /** SIGTERM, then SIGKILL after the grace period; the process and its descendants. Blocks. */
    void stop() {
        Process p;
        synchronized (this) {
            stopping = true;
            p = process;
        }
        if (p != null && p.isAlive()) {
            appendNote("stopping: SIGTERM, SIGKILL after " + grace.toMillis() + " ms");
            ManagedProcess.stopTree(p.toHandle(), grace);
        }
    }

    /** Sends SIGTERM without waiting (close() signals every process first, then waits for each). */
    void signalTerm() {
        Process p;
        synchronized (this) {
            stopping = true;
            p = process;
        }
        if (p != null) {
            p.toHandle().descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
    }

    private void appendNote(String note) {
        try {
            Files.writeString(log, "=== pod-runner " + Instant.now() + ": " + key + " " + note + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is for people; a failed note must not stop a restart or a stop
        }
    }
}
