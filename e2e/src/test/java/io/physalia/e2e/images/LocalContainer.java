package io.physalia.e2e.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs an unpacked image the way a container runtime does, with this host's own tools: a private
 * mount and PID namespace ({@code unshare}), the image's root file system bind-mounted
 * <em>read-only</em> (as {@code readOnlyRootFilesystem: true} makes it), {@code /proc}, {@code /dev},
 * a tmpfs for each emptyDir, host directories at their mount paths, then {@code chroot} as the
 * image's user with exactly the image's environment plus the container's, and the image's
 * entrypoint followed by the container's args. Nothing of the host leaks in: the JVM, libc and
 * class path are the image's. Needs root (mount, chroot), as a runtime does.
 *
 * <p>A shell stays PID 1 of the namespace and waits for the entrypoint, so that when this
 * process's {@code unshare} dies (its child gets SIGKILL through {@code --kill-child}), the
 * namespace's init dies and the kernel kills everything in it: no process outlives the test.
 */
final class LocalContainer implements AutoCloseable {
    /** A host directory at a path inside the container. */
    record Mount(String path, Path host, boolean readOnly) {}

    private static final long STOP_SECONDS = 10;
    /** By its path: env -i leaves only the image's PATH, which names the image's directories. */
    private static final String CHROOT = "/usr/sbin/chroot";

    private final Process process;
    final Path log;

    private LocalContainer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static boolean canRun() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare"))
                && Files.isExecutable(Path.of(CHROOT));
    }

    /**
     * Starts {@code image}'s entrypoint with {@code args} on {@code rootfs} (the image unpacked).
     *
     * @param env the container's variables, over the image's
     * @param tmpfs container paths that get an empty tmpfs each (emptyDir volumes)
     */
    static LocalContainer start(ImageTar image, Path rootfs, List<String> args, Map<String, String> env,
                                List<Mount> mounts, List<String> tmpfs, Path log) throws IOException {
        if (!image.cmd().isEmpty()) {
            throw new IllegalArgumentException("the image has a Cmd " + image.cmd() + "; the container's args replace it");
        }
        if (!"/".equals(image.workingDir())) {
            throw new IllegalArgumentException("the image's WorkingDir is " + image.workingDir() + "; chroot starts in /");
        }
        String root = rootfs.toAbsolutePath().toString();
        StringBuilder s = new StringBuilder("set -eu\nmount --make-rprivate /\n");
        // mount points first, while the root is writable: a runtime makes them before remounting read-only
        for (Mount m : mounts) {
            s.append("mkdir -p ").append(q(root + m.path())).append('\n');
        }
        for (String t : tmpfs) {
            s.append("mkdir -p ").append(q(root + t)).append('\n');
        }
        s.append("mount --bind ").append(q(root)).append(' ').append(q(root)).append('\n');
        s.append("mount -o remount,bind,ro ").append(q(root)).append('\n');
        s.append("mount -t proc proc ").append(q(root + "/proc")).append('\n');
        s.append("mount --rbind /dev ").append(q(root + "/dev")).append('\n');
        for (String t : tmpfs) {
            s.append("mount -t tmpfs -o mode=1777,size=64m tmpfs ").append(q(root + t)).append('\n');
        }
        for (Mount m : mounts) {
            s.append("mount --bind ").append(q(m.host().toAbsolutePath().toString())).append(' ').append(q(root + m.path())).append('\n');
            if (m.readOnly()) {
                s.append("mount -o remount,bind,ro ").append(q(root + m.path())).append('\n');
            }
        }
        Map<String, String> environment = new TreeMap<>(image.env());
        environment.putAll(env);
        List<String> command = new ArrayList<>(List.of("env", "-i"));
        environment.forEach((k, v) -> command.add(k + "=" + v));
        command.addAll(List.of(CHROOT, "--userspec=" + image.user(), root));
        command.addAll(image.entrypoint());
        command.addAll(args);
        s.append("rc=0\n");
        for (String c : command) {
            s.append(q(c)).append(' ');
        }
        // not exec: this shell stays PID 1, so its death ends the namespace and the entrypoint with it
        s.append("|| rc=$?\nexit $rc\n");
        Process p = new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c", s.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new LocalContainer(p, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status, waiting at most {@code seconds}; -1 if still running. */
    int waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL: unshare ignores SIGTERM while it waits for its child, and the test needs no graceful stop. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("unshare did not exit " + STOP_SECONDS + " s after SIGKILL");
        }
    }

    private static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
