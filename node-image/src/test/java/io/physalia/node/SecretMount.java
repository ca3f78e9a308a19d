package io.physalia.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A directory laid out as Kubernetes mounts a Secret volume: {@code colony.key} is a symlink to
 * {@code ..data/colony.key}, {@code ..data} a symlink to a timestamped directory, and an update
 * writes a new directory and swaps {@code ..data} with one atomic rename, then deletes the old one.
 */
final class SecretMount {
    static final String FILE = "colony.key";
    private final Path dir;
    private int version;
    private Path current;

    SecretMount(Path dir, String text) throws IOException {
        this.dir = Files.createDirectories(dir);
        update(text);
        Files.createSymbolicLink(dir.resolve(FILE), Path.of("..data", FILE));
    }

    Path file() {
        return dir.resolve(FILE);
    }

    void update(String text) throws IOException {
        Path next = dir.resolve("..2026_01_01_00_00_0" + (++version) + ".000000001");
        Files.createDirectories(next);
        Files.writeString(next.resolve(FILE), text, StandardCharsets.UTF_8);
        Path tmp = dir.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, next.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (current != null) {
            try (Stream<Path> old = Files.walk(current)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        current = next;
    }

    static String randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }
}
