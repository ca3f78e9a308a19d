package io.physalia.e2e.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * An image as {@code jib:buildTar} writes it with the OCI format (an OCI image layout: the index,
 * the manifest, the config and one gzipped tar per layer, each a blob named by its digest),
 * unpacked into a directory and read as a container runtime reads it: the config's entrypoint,
 * environment, user and labels, and the layers in order.
 */
public final class ImageTar {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest an unpack may take: a 100 MB image unpacks in a few seconds. */
    private static final long UNPACK_SECONDS = 120;

    final Path tar;
    final Path dir;
    /** The manifest's digest: the image's digest, as a registry would name it. */
    final String digest;
    final JsonNode config;
    final List<Path> layers;

    private ImageTar(Path tar, Path dir, String digest, JsonNode config, List<Path> layers) {
        this.tar = tar;
        this.dir = dir;
        this.digest = digest;
        this.config = config;
        this.layers = layers;
    }

    /** The images module's output for one image: {@code images/<name>/target/jib-image.tar}. */
    public static Path built(String image, String file) {
        String root = System.getProperty("physalia.images");
        Path dir = root == null || root.isBlank() ? Path.of("..", "images") : Path.of(root);
        Path p = dir.resolve(image).resolve("target").resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p.toAbsolutePath().normalize() + " does not exist: the images are built by"
                    + " the images module, before e2e (./mvnw -pl images -am verify; -DskipTests builds each once only)");
        }
        return p;
    }

    /**
     * Unpacks {@code tar} (an OCI image layout: {@code index.json}, {@code blobs/sha256/*}) under
     * {@code work} and reads its one manifest and config, checking every blob against its digest.
     */
    static ImageTar open(Path tar, Path work) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("image"));
        run(List.of("tar", "-xf", tar.toString(), "-C", dir.toString()));
        if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
            throw new IOException(tar + " is not an OCI image layout (no oci-layout file)");
        }
        JsonNode manifests = JSON.readTree(dir.resolve("index.json").toFile()).path("manifests");
        if (manifests.size() != 1) {
            throw new IOException(tar + ": index.json should list exactly one manifest, not " + manifests);
        }
        String digest = manifests.get(0).path("digest").asText();
        JsonNode manifest = JSON.readTree(blob(dir, digest).toFile());
        JsonNode config = JSON.readTree(blob(dir, manifest.path("config").path("digest").asText()).toFile());
        List<Path> layers = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            layers.add(blob(dir, l.path("digest").asText()));
        }
        return new ImageTar(tar, dir, digest, config, layers);
    }

    /** The blob of {@code digest}, whose bytes must hash to it. */
    private static Path blob(Path dir, String digest) throws IOException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("not a sha256 digest: '" + digest + "'");
        }
        Path p = dir.resolve("blobs").resolve("sha256").resolve(digest.substring(7));
        if (!Files.isRegularFile(p)) {
            throw new IOException("the image lacks blob " + digest);
        }
        if (!sha256(p).equals(digest.substring(7))) {
            throw new IOException("blob " + digest + " does not match its digest");
        }
        return p;
    }

    List<String> entrypoint() {
        return strings(config.path("config").path("Entrypoint"));
    }

    List<String> cmd() {
        return strings(config.path("config").path("Cmd"));
    }

    /** The config's {@code Env}, in order. */
    Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : strings(config.path("config").path("Env"))) {
            int eq = kv.indexOf('=');
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return env;
    }

    String user() {
        return config.path("config").path("User").asText("");
    }

    String workingDir() {
        return config.path("config").path("WorkingDir").asText("/");
    }

    String label(String name) {
        return config.path("config").path("Labels").path(name).asText(null);
    }

    /** What the image takes on disk once unpacked: the sum of its layers' uncompressed bytes. */
    long uncompressedBytes() throws IOException {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        for (Path layer : layers) {
            try (InputStream in = layerStream(layer)) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                }
            }
        }
        return total;
    }

    /** Unpacks every layer, in order, into {@code root}: the container's root file system. */
    Path unpackRootfs(Path root) throws IOException, InterruptedException {
        Files.createDirectories(root);
        for (Path layer : layers) {
            // --numeric-owner: the image's owners are numbers; this host's names must not remap them
            run(List.of("tar", "--numeric-owner", "-xzf", layer.toString(), "-C", root.toString()));
        }
        return root;
    }

    private static InputStream layerStream(Path layer) throws IOException {
        InputStream in = Files.newInputStream(layer);
        return new GZIPInputStream(in); // Jib's layers are gzipped tars
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(UNPACK_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " took longer than " + UNPACK_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(command + " failed: " + new String(out, java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
