package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.node.KeyFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kwok runs the pods; the pod runner runs real processes behind them: three Physalia nodes of a
 * StatefulSet, each on its own pod IP with the same ports, its own claim's data directory and the
 * Secret's key file; restarted after kill -9, started again on the same data after the pod is
 * recreated, stopped on scale-down, and the key file follows the Secret.
 */
@ExtendWith(ControlPlaneExtension.class)
class PodRunnerTest {
    static final String IMAGE = "physalia-node:1.0.0";
    static final String DATA = "/var/lib/physalia";
    static final String KEYS = "/etc/physalia/keys";
    static final Duration START = Duration.ofSeconds(120); // three JVMs starting at once on 2 cores

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void statefulSetPodsRunRealNodesOnTheirPodIps(ControlPlane plane, @TempDir Path tmp) throws Exception {
        KubernetesClient client = plane.client();
        String ns = "podrunner";
        FakeFleet.create(plane, ns, 3, 1);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        String keys = keyFileText(tmp.resolve("keys.properties"));
        client.secrets().resource(new SecretBuilder().withNewMetadata().withName("colony-keys").withNamespace(ns).endMetadata()
                .addToStringData("keys.properties", keys).build()).create();

        try (PodRunner runner = PodRunner.start(client, ns, "app=cells")) {
            runner.image(IMAGE, ImageLaunch.physaliaNode());
            client.apps().statefulSets().resource(nodes(ns, 3)).create();

            Map<String, Path> dataDirs = new java.util.TreeMap<>();
            for (String pod : List.of("cells-0", "cells-1", "cells-2")) {
                Pod p = awaitPodIp(plane, ns, pod);
                String ip = p.getStatus().getPodIP();
                assertTrue(InetAddress.getByName(ip).isLoopbackAddress() && ip.startsWith("127.1."),
                        pod + " has pod IP " + ip + ", inside kwok's " + ControlPlane.POD_CIDR);
                long pid = runner.awaitRunning(ns, pod, START);
                awaitHttp(plane, ip, "/healthz", pod);

                Path dataDir = runner.hostPath(ns, pod, DATA).orElseThrow();
                Path keyFile = runner.hostPath(ns, pod, KEYS + "/keys.properties").orElseThrow();
                assertEquals(keys, Files.readString(keyFile), "the Secret's key, as a file in the mounted directory");
                List<String> args = Arrays.asList(proc(pid, "cmdline").split("\0"));
                assertTrue(args.containsAll(List.of("--name=" + pod, "--bind=" + ip, "--http-port=7400", "--peer-port=7600",
                        "--data-dir=" + dataDir, "--key-file=" + keyFile, "--peers=" + pod + "=" + ip + ":7600")), args.toString());
                Map<String, String> env = environ(pid);
                assertEquals(pod, env.get("POD_NAME"));
                assertEquals(ip, env.get("POD_IP"));
                dataDirs.put(pod, dataDir);
            }
            for (String pod : dataDirs.keySet()) {
                awaitHttp(plane, podIp(client, ns, pod), "/readyz", pod);
                assertFalse(files(dataDirs.get(pod)).isEmpty(), pod + " keeps its node log in " + dataDirs.get(pod));
            }
            assertEquals(3, new HashSet<>(dataDirs.values()).size(), "one data directory per identity: " + dataDirs);
            assertTrue(dataDirs.get("cells-1").getFileName().toString().startsWith(ns + "_data-cells-1_"),
                    "the claim's directory is named after the StatefulSet's claim: " + dataDirs.get("cells-1"));

            // kill -9: the runner restarts the process, as a kubelet restarts a crashed container.
            long before = runner.pid(ns, "cells-0");
            runner.kill9(ns, "cells-0");
            plane.await("cells-0 restarted", START,
                    () -> runner.restarts(ns, "cells-0") == 1 && runner.running(ns, "cells-0") && runner.pid(ns, "cells-0") != before);
            awaitHttp(plane, podIp(client, ns, "cells-0"), "/healthz", "cells-0");

            // A deleted pod is recreated by the StatefulSet controller; its process starts on the same claim.
            String oldUid = client.pods().inNamespace(ns).withName("cells-1").get().getMetadata().getUid();
            Set<String> filesBefore = files(dataDirs.get("cells-1"));
            client.pods().inNamespace(ns).withName("cells-1").delete();
            plane.await("cells-1 recreated", Duration.ofSeconds(60), () -> {
                Pod p = client.pods().inNamespace(ns).withName("cells-1").get();
                return p != null && !p.getMetadata().getUid().equals(oldUid) && p.getStatus().getPodIP() != null;
            });
            runner.awaitRunning(ns, "cells-1", START);
            assertNotEquals(oldUid, runner.uid(ns, "cells-1").orElseThrow());
            assertEquals(0, runner.restarts(ns, "cells-1"), "a new pod's container starts with no restarts");
            assertEquals(dataDirs.get("cells-1"), runner.hostPath(ns, "cells-1", DATA).orElseThrow(), "the same claim");
            awaitHttp(plane, podIp(client, ns, "cells-1"), "/healthz", "cells-1");
            Set<String> filesAfter = files(dataDirs.get("cells-1"));
            assertTrue(filesAfter.containsAll(filesBefore), "the node's files survive its pod: before " + filesBefore
                    + ", after " + filesAfter);

            // Scale-down: the StatefulSet controller deletes cells-2 and the runner stops its process.
            long doomed = runner.pid(ns, "cells-2");
            client.apps().statefulSets().inNamespace(ns).withName("cells").scale(2);
            runner.awaitStopped(ns, "cells-2", Duration.ofSeconds(60));
            plane.await("cells-2's process to be gone", Duration.ofSeconds(15),
                    () -> ProcessHandle.of(doomed).map(h -> !h.isAlive()).orElse(true));
            assertTrue(runner.running(ns, "cells-0") && runner.running(ns, "cells-1"));

            // Key rotation: a second key in the Secret reaches the mounted file while the nodes run.
            byte[] key2 = new byte[32];
            new java.security.SecureRandom().nextBytes(key2);
            String rotated = keys + "key.2=" + Base64.getEncoder().encodeToString(key2) + "\n";
            client.secrets().inNamespace(ns).withName("colony-keys")
                    .edit(s -> new SecretBuilder(s).withData(null).addToStringData("keys.properties", rotated).build());
            Path keyFile = runner.hostPath(ns, "cells-0", KEYS + "/keys.properties").orElseThrow();
            plane.await("the rotated key in " + keyFile, Duration.ofSeconds(30), () -> read(keyFile).equals(rotated));
            awaitHttp(plane, podIp(client, ns, "cells-0"), "/healthz", "cells-0");
        }
        assertTrue(ProcessHandle.current().descendants().noneMatch(h -> h.info().commandLine().orElse("")
                .contains(ImageLaunch.NODE_MAIN)), "closing the runner stops every node process");
    }

    @Test
    void containersGetTheirEnvironmentArgumentsAndFilesAsAKubeletGivesThem(ControlPlane plane) throws Exception {
        KubernetesClient client = plane.client();
        String ns = "podrunner-env";
        List<io.physalia.topology.NodeTopology> fleet = FakeFleet.create(plane, ns, 1, 1);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("settings").withNamespace(ns).endMetadata()
                .addToData("mode", "fast").addToData("node.conf", "colony = test\n").addToData("unused", "x").build()).create();
        client.secrets().resource(new SecretBuilder().withNewMetadata().withName("creds").withNamespace(ns).endMetadata()
                .addToStringData("token", "s3cret").build()).create();
        // The image runs a shell that writes its environment and arguments, then waits to be stopped.
        ImageLaunch printer = new ImageLaunch(List.of("/bin/sh", "-c",
                "out=$1; shift; env | sort > \"$out.tmp\"; for a in \"$@\"; do echo \"arg $a\" >> \"$out.tmp\"; done;"
                        + " mv \"$out.tmp\" \"$out\"; exec sleep 600", "printer"), Map.of("IMAGE_ENV", "from-the-image"));
        Pod pod = new PodBuilder()
                .withNewMetadata().withName("printer").withNamespace(ns).addToLabels("tier", "blue").endMetadata()
                .withNewSpec()
                    .withNodeName(fleet.get(0).node())
                    .withTerminationGracePeriodSeconds(1L)
                    .addNewContainer().withName("main").withImage("printer:1")
                        .addNewEnvFrom().withPrefix("CFG_").withNewConfigMapRef().withName("settings").endConfigMapRef().endEnvFrom()
                        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                            .endFieldRef().endValueFrom().endEnv()
                        .addNewEnv().withName("TIER").withNewValueFrom().withNewFieldRef()
                            .withFieldPath("metadata.labels['tier']").endFieldRef().endValueFrom().endEnv()
                        .addNewEnv().withName("HOST_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP")
                            .endFieldRef().endValueFrom().endEnv()
                        .addNewEnv().withName("TOKEN").withNewValueFrom().withNewSecretKeyRef().withName("creds").withKey("token")
                            .endSecretKeyRef().endValueFrom().endEnv()
                        .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef().withName("settings")
                            .withKey("mode").endConfigMapKeyRef().endValueFrom().endEnv()
                        .addNewEnv().withName("GREETING").withValue("$(POD_NAME) in $(CFG_mode) mode, $$(POD_NAME), $(NOPE)").endEnv()
                        .addNewEnv().withName("CONF").withValue("/etc/app/node.conf").endEnv()
                        .withArgs("/out/env.txt", "--who=$(POD_NAME)", "--config=$(CONF)", "--scratch=/scratch", "$(UNKNOWN)")
                        .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount()
                        .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
                        .addNewVolumeMount().withName("settings").withMountPath("/etc/app").endVolumeMount()
                    .endContainer()
                    .addNewVolume().withName("out").withNewEmptyDir().endEmptyDir().endVolume()
                    .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                    .addNewVolume().withName("settings").withNewConfigMap().withName("settings")
                        .addNewItem().withKey("node.conf").withPath("node.conf").endItem().endConfigMap().endVolume()
                .endSpec()
                .build();
        Pod unknown = new PodBuilder(pod).editMetadata().withName("unknown").endMetadata()
                .editSpec().editFirstContainer().withImage("no-such-image:0").endContainer().endSpec().build();

        try (PodRunner runner = PodRunner.start(client, ns, null)) {
            runner.image("printer:1", printer);
            client.pods().resource(pod).create();
            client.pods().resource(unknown).create();
            runner.awaitRunning(ns, "printer", Duration.ofSeconds(60));
            Path out = runner.hostPath(ns, "printer", "/out/env.txt").orElseThrow();
            plane.await("the printer's output in " + out, Duration.ofSeconds(30), () -> Files.exists(out));
            List<String> lines = Files.readAllLines(out);
            Path settings = runner.hostPath(ns, "printer", "/etc/app").orElseThrow();
            Path scratch = runner.hostPath(ns, "printer", "/scratch").orElseThrow();
            for (String expected : List.of("POD_NAME=printer", "TIER=blue", "HOST_IP=" + ControlPlane.NODE_IP, "TOKEN=s3cret",
                    "MODE=fast", "CFG_mode=fast", "IMAGE_ENV=from-the-image",
                    "GREETING=printer in fast mode, $(POD_NAME), $(NOPE)",
                    "CONF=" + settings.resolve("node.conf"),
                    "arg --who=printer", "arg --config=" + settings.resolve("node.conf"), "arg --scratch=" + scratch,
                    "arg $(UNKNOWN)")) {
                assertTrue(lines.contains(expected), "expected '" + expected + "' in\n" + String.join("\n", lines));
            }
            assertEquals(Set.of("node.conf"), files(settings), "only the configMap items asked for");
            assertEquals("colony = test\n", Files.readString(settings.resolve("node.conf")));

            plane.await("the unknown image reported", Duration.ofSeconds(30), () -> runner.failure(ns, "unknown").isPresent());
            assertTrue(runner.failure(ns, "unknown").orElseThrow().contains("no-such-image:0"), runner.failure(ns, "unknown").get());
            assertFalse(runner.running(ns, "unknown"));

            // An edited ConfigMap reaches the mounted file; a deleted pod's process stops.
            client.configMaps().inNamespace(ns).withName("settings")
                    .edit(c -> new ConfigMapBuilder(c).addToData("node.conf", "colony = edited\n").build());
            plane.await("the edited config file", Duration.ofSeconds(30),
                    () -> read(settings.resolve("node.conf")).equals("colony = edited\n"));
            long pid = runner.pid(ns, "printer");
            client.pods().inNamespace(ns).withName("printer").delete();
            runner.awaitStopped(ns, "printer", Duration.ofSeconds(30));
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void aContainerThatExitsIsRestartedWhileItsPodExists(ControlPlane plane) throws IOException {
        KubernetesClient client = plane.client();
        String ns = "podrunner-crash";
        List<io.physalia.topology.NodeTopology> fleet = FakeFleet.create(plane, ns, 1, 1);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        try (PodRunner runner = PodRunner.start(client, ns, null)) {
            runner.image("crasher:1", new ImageLaunch(List.of("/bin/sh", "-c", "echo crashing; exit 3"), Map.of()));
            client.pods().resource(new PodBuilder()
                    .withNewMetadata().withName("crasher").withNamespace(ns).endMetadata()
                    .withNewSpec().withNodeName(fleet.get(0).node())
                        .addNewContainer().withName("main").withImage("crasher:1").endContainer()
                    .endSpec().build()).create();
            // restartPolicy Always: every exit is followed by a restart, after 1 s, then 2 s, ...
            plane.await("crasher restarted twice", Duration.ofSeconds(30), () -> runner.restarts(ns, "crasher") >= 2);
            String all = Files.readString(runner.log(ns, "crasher"));
            String log = all.substring(all.indexOf("uid " + runner.uid(ns, "crasher").orElseThrow())); // this pod's part
            assertTrue(log.contains("crashing") && log.contains("exited with code 3") && log.contains("restart 2"), log);
            assertTrue(runner.failure(ns, "crasher").isEmpty(), "a crash is not a start failure");
        }
    }

    @Test
    void aProcessCanBindAnAddressInsideThePodCidr() throws IOException {
        // The premise of the pod IPs: Linux routes all of 127.0.0.0/8 to the loopback interface.
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.1.0.5"), 0));
            assertEquals("127.1.0.5", s.getInetAddress().getHostAddress());
        }
    }

    /** A StatefulSet of Physalia nodes: each on its pod IP, its claim for data, the Secret's key file. */
    static StatefulSet nodes(String ns, int replicas) {
        return new StatefulSetBuilder()
                .withNewMetadata().withName("cells").withNamespace(ns).endMetadata()
                .withNewSpec()
                    .withReplicas(replicas)
                    .withServiceName("cells")
                    .withPodManagementPolicy("Parallel")
                    .withNewSelector().addToMatchLabels("app", "cells").endSelector()
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("app", "cells").endMetadata()
                        .withNewSpec()
                            .addToNodeSelector(FakeFleet.POOL, ns)
                            .withTerminationGracePeriodSeconds(10L)
                            .addNewContainer().withName("node").withImage(IMAGE)
                                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef()
                                    .withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef()
                                    .withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                                .withArgs("--name=$(POD_NAME)", "--bind=$(POD_IP)", "--http-port=7400", "--peer-port=7600",
                                        "--data-dir=" + DATA, "--key-file=" + KEYS + "/keys.properties",
                                        // until --peers is optional: a colony of one, itself
                                        "--peers=$(POD_NAME)=$(POD_IP):7600", "--colony=podrunner")
                                .addNewVolumeMount().withName("data").withMountPath(DATA).endVolumeMount()
                                .addNewVolumeMount().withName("keys").withMountPath(KEYS).withReadOnly(true).endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName("keys").withNewSecret().withSecretName("colony-keys").endSecret().endVolume()
                        .endSpec()
                    .endTemplate()
                    .addNewVolumeClaimTemplate()
                        .withNewMetadata().withName("data").endMetadata()
                        .withNewSpec()
                            .withAccessModes("ReadWriteOnce")
                            .withNewResources().addToRequests("storage", new Quantity("1Gi")).endResources()
                        .endSpec()
                    .endVolumeClaimTemplate()
                .endSpec()
                .build();
    }

    private static String keyFileText(Path file) throws IOException {
        KeyFile.generate(file);
        String text = Files.readString(file);
        KeyFile.load(file); // valid, as the node will find it
        return text;
    }

    private static Pod awaitPodIp(ControlPlane plane, String ns, String name) {
        plane.await(name + " Running with a pod IP", Duration.ofSeconds(60), () -> {
            Pod p = plane.client().pods().inNamespace(ns).withName(name).get();
            return p != null && FakeFleet.running(p) && p.getStatus().getPodIP() != null;
        });
        return plane.client().pods().inNamespace(ns).withName(name).get();
    }

    private static String podIp(KubernetesClient client, String ns, String name) {
        return client.pods().inNamespace(ns).withName(name).get().getStatus().getPodIP();
    }

    /** Waits until the node at {@code ip} answers {@code path} with 200, naming itself {@code node}. */
    private void awaitHttp(ControlPlane plane, String ip, String path, String node) {
        URI uri = URI.create("http://" + ip + ":7400" + path);
        plane.await(node + " to answer 200 at " + uri, START, () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("\"node\":\"" + node + "\"");
            } catch (IOException e) {
                return false; // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        });
    }

    /** A file of /proc/<pid>: the process's arguments and environment as the kernel holds them (Linux, as this tier is). */
    private static String proc(long pid, String file) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), file)), StandardCharsets.UTF_8);
    }

    private static Map<String, String> environ(long pid) throws IOException {
        return Arrays.stream(proc(pid, "environ").split("\0")).filter(e -> e.indexOf('=') > 0)
                .collect(Collectors.toMap(e -> e.substring(0, e.indexOf('=')), e -> e.substring(e.indexOf('=') + 1), (a, b) -> b));
    }

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
