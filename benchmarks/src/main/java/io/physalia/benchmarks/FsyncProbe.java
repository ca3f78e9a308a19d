package io.physalia.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How long this disk takes to make a small append durable: the floor under every committed
 * write of both systems (each write waits for at least one fsync on a majority of nodes).
 */
public final class FsyncProbe {
    private FsyncProbe() {}

    /** Appends {@code bytes} and forces it, {@code count} times, in a scratch file in {@code dir}. */
    public static LatencyRecorder measure(Path dir, int count, int bytes) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("fsync-probe.bin");
        LatencyRecorder r = new LatencyRecorder();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.allocate(bytes);
            for (int i = 0; i < count; i++) {
                b.clear();
                long t0 = System.nanoTime();
                ch.write(b);
                ch.force(false);
                r.record(System.nanoTime() - t0);
            }
        } finally {
            Files.deleteIfExists(f);
        }
        return r;
    }
}
