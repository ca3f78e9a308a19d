package io.physalia.node.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one way this project starts a Java process of its own: a main class on this process's
 * class path, run by this process's JDK. {@link LocalColony} starts its nodes here, the
 * benchmarks their Physalia nodes and Ratis peers (with the same flags, so neither system under
 * test gets a better JIT, collector or heap), and the crash tests their workers.
 */
public final class ChildJvm {
    /** slf4j-simple's level property: libraries that log through SLF4J (Ratis) log warnings only. */
    public static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    /** How long {@link #stop} waits after SIGTERM before kill -9, and kill -9 waits for the exit. */
    static final long STOP_WAIT_SECONDS = 10;
    private static final long PARENT_POLL_MILLIS = 500;

    private ChildJvm() {}

    /** The command line that runs {@code mainClass} with {@code jvmFlags} and {@code args}. */
    public static List<String> command(Class<?> mainClass, List<String> jvmFlags, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.addAll(jvmFlags);
        cmd.add("-D" + LOG_LEVEL + "=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** Starts {@code mainClass}; its stdout and stderr are appended to {@code log}. */
    public static Process start(Class<?> mainClass, List<String> jvmFlags, List<String> args, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ProcessBuilder(command(mainClass, jvmFlags, args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** kill -9 and wait: nothing flushed beyond what the process already synced. */
    public static void kill9(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then kill -9 if the process has not stopped within {@link #STOP_WAIT_SECONDS}. */
    public static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                kill9(p);
            }
        }
    }

    /** This process's {@code java} (the child runs on the same JDK as its parent). */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The JDK's {@code jcmd} next to the running {@code java}. */
    public static Path jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    /**
     * In a child: runs {@code whenGone} once the parent {@code parentPid} has gone, so a killed
     * launcher leaves no orphans. Nothing happens for a pid of 0 or less (no parent named).
     */
    public static void watchParent(long parentPid, Runnable whenGone) {
        if (parentPid <= 0) {
            return;
        }
        Thread t = new Thread(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(PARENT_POLL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            whenGone.run();
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
