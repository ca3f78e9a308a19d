package io.physalia.e2e.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the images module built (images/*&#47;target): each image built twice from empty layer
 * caches gives the same bytes and digest, as does the base; each runs as a non-root user, carries
 * its version and revision, has no shell, and stays within its size target. The figures are
 * printed for docs/benchmarks.md.
 */
class ImagesTest {
    /** The size target of an image, unpacked (docs/images.md). */
    static final long MAX_BYTES = 200L * 1024 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"node", "operator"})
    void twoBuildsOfTheSameCommitGiveTheSameImage(String name) throws IOException {
        String digest = Files.readString(ImageTar.built(name, "jib-image.digest")).strip();
        String again = Files.readString(ImageTar.built(name, "jib-image-again.digest")).strip();
        assertTrue(digest.matches("sha256:[0-9a-f]{64}"), digest);
        assertEquals(digest, again, name + ": the second build, from empty layer caches, gives another digest");
        assertEquals(ImageTar.sha256(ImageTar.built(name, "jib-image.tar")), ImageTar.sha256(ImageTar.built(name, "jib-image-again.tar")),
                name + ": the two image tarballs differ");
        System.out.println("image " + name + ": " + digest);
    }

    @org.junit.jupiter.api.Test
    void twoBuildsOfTheBaseGiveTheSameBytes() throws IOException {
        String first = ImageTar.sha256(ImageTar.built("base", "base-image.tar"));
        assertEquals(first, ImageTar.sha256(ImageTar.built("base", "base-image-again.tar")), "the base image's two builds differ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"node", "operator"})
    void theImageRunsAsANonRootUserWithItsVersionAndRevisionAndNoShell(String name, @TempDir Path tmp) throws Exception {
        ImageTar image = ImageTar.open(ImageTar.built(name, "jib-image.tar"), tmp);
        assertEquals(Files.readString(ImageTar.built(name, "jib-image.digest")).strip(), image.digest,
                "the digest Jib reports is the manifest's in the tarball");
        assertEquals("10001:10001", image.user(), "a numeric non-root user, so that runAsNonRoot can check it");
        assertEquals(System.getProperty("physalia.version"), image.label("org.opencontainers.image.version"));
        String revision = gitHead();
        if (revision != null) {
            assertEquals(revision, image.label("org.opencontainers.image.revision"), "the revision label is the commit built");
        }
        List<String> entrypoint = image.entrypoint();
        assertEquals("java", entrypoint.get(0), "java from the image's PATH: " + entrypoint);
        assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), "a JVM out of memory exits, so the pod restarts: " + entrypoint);
        assertTrue(image.env().get("PATH").startsWith("/opt/java/bin"), image.env().toString());

        Path root = image.unpackRootfs(tmp.resolve("rootfs"));
        assertTrue(Files.isExecutable(root.resolve("opt/java/bin/java")), "the image holds its Java runtime");
        assertFalse(Files.exists(root.resolve("bin/sh")) || Files.exists(root.resolve("usr/bin/sh")), "the image has no shell");
        assertTrue(Files.readString(root.resolve("etc/passwd")).contains(":10001:10001:"), "the user has a passwd entry (user.home, user.name)");
        assertEquals(01777, (int) Files.getAttribute(root.resolve("tmp"), "unix:mode") & 07777, "/tmp is world-writable and sticky");

        long bytes = image.uncompressedBytes();
        long compressed = 0;
        for (Path layer : image.layers) {
            compressed += Files.size(layer);
        }
        System.out.printf("image %s: %.1f MB unpacked, %.1f MB compressed, %d layers%n",
                name, bytes / 1048576.0, compressed / 1048576.0, image.layers.size());
        assertTrue(bytes <= MAX_BYTES, name + " unpacks to " + bytes + " bytes, over the target of " + MAX_BYTES);
    }

    /** The commit checked out, or null outside a git work tree (a source tarball). */
    static String gitHead() throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("physalia.images", "../images")).toAbsolutePath().getParent();
        if (!Files.exists(repo.resolve(".git"))) {
            return null;
        }
        Process p = new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "HEAD").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("git rev-parse HEAD failed: " + out);
        }
        return out;
    }
}
