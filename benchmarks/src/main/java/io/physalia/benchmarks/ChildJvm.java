package io.physalia.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM on this process's class path. Both systems under test (Physalia nodes and
 * Ratis peers) are started through here with the same JVM flags, so neither gets a better JIT,
 * collector or heap than the other.
 */
public final class ChildJvm {
    /** slf4j-simple's level property (the benchmark driver sets it for itself too). */
    public static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private ChildJvm() {}

    /** Starts {@code mainClass} with {@code jvmFlags} and {@code args}; stdout and stderr are appended to {@code log}. */
    public static Process start(Class<?> mainClass, List<String> jvmFlags, List<String> args, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.addAll(jvmFlags);
        cmd.add("-D" + LOG_LEVEL + "=warn"); // Ratis and Vert.x log through SLF4J when it is there: warnings only
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** kill -9 and wait: nothing flushed beyond what the process already synced. */
    public static void kill9(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then kill -9 after 10 s. */
    public static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                kill9(p);
            }
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The JDK's {@code jcmd} next to the running {@code java}. */
    static Path jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    /** Exits this JVM once {@code parentPid} is gone, so a killed benchmark leaves no orphans. */
    public static void exitWithParent(long parentPid) {
        if (parentPid <= 0) {
            return;
        }
        Thread t = new Thread(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(0);
        }, "bench-parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
