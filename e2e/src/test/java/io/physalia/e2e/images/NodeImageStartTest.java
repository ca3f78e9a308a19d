package io.physalia.e2e.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonySpec;
import io.physalia.crds.Color;
import io.physalia.crds.ColorSpec;
import io.physalia.operator.ColorResources;
import io.physalia.operator.Keyring;
import io.physalia.operator.Names;
import io.physalia.operator.NodePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node image starts: its own entrypoint, environment and user, read from the image's config,
 * run on its own root file system (read-only) with the container the operator's StatefulSet
 * gives a node pod (args, env, volume mounts, security context), its settings from the
 * environment and from the node-settings ConfigMap the operator writes from the Colony's
 * spec.nodeSettings. The node answers {@code /readyz}; a setting it refuses stops it with the
 * ConfigMap file's line named.
 */
class NodeImageStartTest {
    /** An address of 127.0.0.0/8 no other test binds: the pod IP of this container. */
    static final String POD_IP = "127.0.91.1";
    static final String POD_NAME = "demo-blue-0";
    /** Three JVMs may be starting elsewhere on two cores. */
    static final Duration START = Duration.ofSeconds(120);
    static final int NODE_UID = 10001;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    @BeforeAll
    static void needsRoot() {
        assumeTrue(LocalContainer.canRun(), "running an image needs root, unshare and chroot (CI has them)");
    }

    @Test
    void theImageStartsANodeFromThePodSpecTheOperatorWrites(@TempDir Path tmp) throws Exception {
        Pod pod = pod(tmp, Map.of("checkpoint-log-bytes", "256m", "log-segment-bytes", "16m"));
        try (LocalContainer node = pod.start()) {
            JsonNode ready = awaitReady(node);
            assertEquals(POD_NAME, ready.path("node").asText(), "the name from the args, $(POD_NAME) expanded: " + ready);
            assertEquals("blue", ready.path("labels").path("physalia.io/color").asText(), "the color label from the args: " + ready);
            String metrics = get("/metrics").body();
            assertTrue(metrics.contains("physalia_"), "the node serves its metrics: " + metrics.lines().limit(5).toList());
            assertTrue(Files.list(pod.data).findAny().isPresent(), "the node writes its data to the claim's mount, not the image");
        }
    }

    @Test
    void aSettingTheNodeRefusesStopsItNamingTheConfigMapLine(@TempDir Path tmp) throws Exception {
        // passes the CRD's pattern; only the node knows a checkpoint must hold at least one segment
        Pod pod = pod(tmp, Map.of("checkpoint-log-bytes", "8k"));
        try (LocalContainer node = pod.start()) {
            int rc = node.waitFor(START.toSeconds());
            assertNotEquals(-1, rc, "the node should exit on a bad config file; output:\n" + node.output());
            assertNotEquals(0, rc, node.output());
            assertTrue(node.output().contains("checkpoint-log-bytes") && node.output().contains("node.conf line 2"),
                    "the error names the setting and the file's line:\n" + node.output());
        }
    }

    /** The node pod of a StatefulSet, as a kubelet would lay it out: volumes, env and args. */
    private record Pod(ImageTar image, Path rootfs, List<String> args, Map<String, String> env,
                       List<LocalContainer.Mount> mounts, List<String> tmpfs, Path data, Path log) {
        LocalContainer start() throws IOException {
            return LocalContainer.start(image, rootfs, args, env, mounts, tmpfs, log);
        }
    }

    private static Pod pod(Path tmp, Map<String, String> nodeSettings) throws Exception {
        ImageTar image = ImageTar.open(ImageTar.built("node", "jib-image.tar"), tmp);
        Path rootfs = image.unpackRootfs(tmp.resolve("rootfs"));
        Colony colony = colony();
        colony.getSpec().setNodeSettings(nodeSettings);
        StatefulSet sts = ColorResources.statefulSet(colony, color());
        PodSpec spec = sts.getSpec().getTemplate().getSpec();
        Container c = spec.getContainers().get(0);
        assertTrue(c.getCommand() == null || c.getCommand().isEmpty(), "the pod runs the image's entrypoint: " + c.getCommand());
        assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(image.user(), spec.getSecurityContext().getRunAsUser() + ":" + spec.getSecurityContext().getRunAsGroup(),
                "the pod runs as the image's user");

        Map<String, String> podEnv = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                podEnv.put(e.getName(), e.getValue());
                continue;
            }
            String field = e.getValueFrom().getFieldRef().getFieldPath();
            podEnv.put(e.getName(), switch (field) {
                case "metadata.name" -> POD_NAME;
                case "status.podIP" -> POD_IP;
                default -> throw new AssertionError("the test does not know field " + field);
            });
        }
        assertEquals(ColorResources.CONFIG_MOUNT + "/" + Names.NODE_CONFIG_KEY, podEnv.get("PHYSALIA_CONFIG"), "the pod names its config file");
        podEnv.put("PHYSALIA_SYNC", "true"); // and a setting from the environment alone

        List<String> args = new ArrayList<>();
        for (String a : c.getArgs()) {
            args.add(a.replace("$(POD_NAME)", podEnv.get("POD_NAME")).replace("$(POD_IP)", podEnv.get("POD_IP")));
        }
        assertTrue(args.contains(String.valueOf(NodePorts.HTTP)), "the args give the HTTP port: " + args);

        List<LocalContainer.Mount> mounts = new ArrayList<>();
        List<String> tmpfs = new ArrayList<>();
        Path data = null;
        for (VolumeMount vm : c.getVolumeMounts()) {
            Volume v = spec.getVolumes().stream().filter(x -> x.getName().equals(vm.getName())).findFirst().orElse(null);
            if (v == null) { // the claim of the volumeClaimTemplate: a directory the pod's fsGroup owns
                data = owned(Files.createDirectories(tmp.resolve("claim")));
                mounts.add(new LocalContainer.Mount(vm.getMountPath(), data, false));
            } else if (v.getSecret() != null) { // the keyring Secret, its files readable by the pod's user only
                Path dir = Files.createDirectories(tmp.resolve("secret"));
                Keyring.create(colony).getData().forEach((file, base64) -> {
                    try {
                        Path f = Files.write(dir.resolve(file), Base64.getDecoder().decode(base64));
                        Files.setPosixFilePermissions(owned(f), PosixFilePermissions.fromString("r--------"));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                mounts.add(new LocalContainer.Mount(vm.getMountPath(), dir, true));
            } else if (v.getConfigMap() != null) { // the node-settings ConfigMap, as the operator writes it
                assertEquals(Names.nodeSettings("demo"), v.getConfigMap().getName());
                Path dir = Files.createDirectories(tmp.resolve("configmap"));
                ColorResources.nodeSettings(colony).getData().forEach((file, text) -> {
                    try {
                        Files.writeString(dir.resolve(file), text);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                mounts.add(new LocalContainer.Mount(vm.getMountPath(), dir, true));
            } else if (v.getEmptyDir() != null) {
                tmpfs.add(vm.getMountPath());
            } else {
                throw new AssertionError("the test does not know volume " + v);
            }
        }
        assertTrue(data != null, "the node pod mounts its claim");
        return new Pod(image, rootfs, args, podEnv, mounts, tmpfs, data, tmp.resolve("node.log"));
    }

    private static Path owned(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", NODE_UID);
        Files.setAttribute(p, "unix:gid", NODE_UID);
        return p;
    }

    private JsonNode awaitReady(LocalContainer node) throws Exception {
        Instant deadline = Instant.now().plus(START);
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!node.isAlive()) {
                throw new AssertionError("the container exited; output:\n" + node.output());
            }
            try {
                HttpResponse<String> r = get("/readyz");
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no ready node at " + POD_IP + " within " + START + " (last: " + last + "); output:\n" + node.output());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(NodePorts.HTTP, path);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + POD_IP + ":" + port + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static Colony colony() {
        Colony c = new Colony();
        c.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace("demo").withUid("u1").build());
        ColonySpec s = new ColonySpec();
        s.setImage("physalia/node");
        s.setVersion("0.1.0-SNAPSHOT");
        s.setColors(List.of("blue", "green"));
        c.setSpec(s);
        return c;
    }

    static Color color() {
        Color c = new Color();
        c.setMetadata(new ObjectMetaBuilder().withName("demo-blue").withNamespace("demo").withUid("u2").build());
        ColorSpec s = new ColorSpec();
        s.setColony("demo");
        s.setColor("blue");
        s.setReplicas(7);
        c.setSpec(s);
        return c;
    }
}
