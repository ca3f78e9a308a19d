package io.physalia.e2e.k8s;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.TopologyLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real Kubernetes control plane on this machine: kube-api-test's kube-apiserver and etcd, then
 * kube-controller-manager, kube-scheduler and kwok (which plays the kubelets of fake nodes)
 * against its admin kubeconfig. {@link #close()} stops every process it started, and a shutdown
 * hook does the same if the JVM exits first.
 */
public final class ControlPlane implements AutoCloseable {
    /** The annotation and label kwok uses to pick the fake nodes it manages. */
    public static final String KWOK_NODE = "kwok.x-k8s.io/node";
    /**
     * Where kwok takes pod IPs from: inside 127.0.0.0/8, which Linux routes entirely to the loopback
     * interface, so the process {@link PodRunner} starts for a pod can bind its pod IP, and every pod
     * can use the same ports.
     */
    public static final String POD_CIDR = "127.1.0.1/16";
    /** The fake nodes' address (their pods' status.hostIP): this machine, since their pods run here. */
    public static final String NODE_IP = "127.0.0.1";

    private final K8sBinaries binaries;
    private final Path workDir;
    private final KubeAPIServer apiServer;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final Thread shutdownHook;
    private Path kubeconfig;
    private KubernetesClient client;
    private boolean closed;

    private ControlPlane(K8sBinaries binaries, Path workDir) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.apiServer = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion(binaries.kubeApiTestVersion())
                .withOfflineMode(true)
                .withUpdateKubeConfig(false)
                .withStartupTimeout(60_000)
                .build());
        this.shutdownHook = new Thread(this::stopAll, "control-plane-shutdown");
    }

    /** Starts everything; fails (never skips) when the binaries are missing. */
    public static ControlPlane start(Path workDir) {
        K8sBinaries binaries = K8sBinaries.locate();
        ControlPlane plane = new ControlPlane(binaries, workDir);
        Runtime.getRuntime().addShutdownHook(plane.shutdownHook);
        try {
            plane.startAll();
            return plane;
        } catch (RuntimeException | Error e) {
            plane.close();
            throw e;
        }
    }

    private void startAll() {
        try {
            Files.createDirectories(workDir);
            apiServer.start();
            kubeconfig = workDir.resolve("admin.kubeconfig");
            Files.writeString(kubeconfig, apiServer.getKubeConfigYaml(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String kc = kubeconfig.toString();
        processes.add(ManagedProcess.start("kube-controller-manager", List.of(
                binaries.binary("kube-controller-manager").toString(),
                "--kubeconfig=" + kc,
                "--authentication-kubeconfig=" + kc,
                "--authorization-kubeconfig=" + kc,
                "--leader-elect=false",
                "--secure-port=0",
                "--controllers=*,-serviceaccount-token",
                "--concurrent-deployment-syncs=10",
                "--node-monitor-grace-period=40s"), workDir));
        processes.add(ManagedProcess.start("kube-scheduler", List.of(
                binaries.binary("kube-scheduler").toString(),
                "--kubeconfig=" + kc,
                "--authentication-kubeconfig=" + kc,
                "--authorization-kubeconfig=" + kc,
                "--leader-elect=false",
                "--secure-port=0"), workDir));
        processes.add(ManagedProcess.start("kwok", List.of(
                binaries.binary("kwok").toString(),
                "--kubeconfig=" + kc,
                "--config=" + binaries.binary("kwok-stages.yaml"),
                "--manage-all-nodes=false",
                "--manage-nodes-with-annotation-selector=" + KWOK_NODE + "=fake",
                "--node-lease-duration-seconds=40",
                "--cidr=" + POD_CIDR,
                "--node-ip=" + NODE_IP), workDir));
        Config config = Config.fromKubeconfig(apiServer.getKubeConfigYaml());
        client = new KubernetesClientBuilder().withConfig(config).build();
        // The default ServiceAccount is created by the controller manager: once it exists, the
        // controllers are running.
        await("the controller manager to create the default ServiceAccount", Duration.ofSeconds(60),
                () -> client.serviceAccounts().inNamespace("default").withName("default").get() != null);
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public K8sBinaries binaries() {
        return binaries;
    }

    /** Creates a kwok-managed fake node labelled with its topology and waits until it is Ready. */
    public Node addFakeNode(NodeTopology topology, Map<String, String> extraLabels) {
        Map<String, String> labels = new LinkedHashMap<>(TopologyLabels.labels(topology, Optional.empty()));
        labels.putAll(extraLabels);
        labels.put("kubernetes.io/hostname", topology.node());
        labels.put("type", "kwok");
        Map<String, Quantity> capacity = Map.of(
                "cpu", new Quantity("32"), "memory", new Quantity("256Gi"), "pods", new Quantity("110"));
        Node node = new NodeBuilder()
                .withNewMetadata()
                    .withName(topology.node())
                    .withLabels(labels)
                    .addToAnnotations(KWOK_NODE, "fake")
                    .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .endMetadata()
                .withNewStatus()
                    .withCapacity(capacity)
                    .withAllocatable(capacity)
                .endStatus()
                .build();
        client.nodes().resource(node).create();
        await("fake node " + topology.node() + " to become Ready", Duration.ofSeconds(30),
                () -> isReady(client.nodes().withName(topology.node()).get()));
        return client.nodes().withName(topology.node()).get();
    }

    public static boolean isReady(Node node) {
        if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
            return false;
        }
        return node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Runs kubectl against this control plane; returns its exit code and combined output. */
    public Kubectl.Result kubectl(String... args) {
        return Kubectl.run(binaries.binary("kubectl"), kubeconfig, workDir, args);
    }

    /** Waits for {@code condition}, failing with the logs' location when it does not come. */
    public void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkProcesses();
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the API may not be ready yet; try again until the deadline
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what
                        + "; control plane logs are in " + workDir.toAbsolutePath());
            }
            try {
                TimeUnit.MILLISECONDS.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    private void checkProcesses() {
        for (ManagedProcess p : processes) {
            if (!p.isAlive()) {
                throw new AssertionError(p.name() + " exited; see " + p.log().toAbsolutePath());
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private synchronized void stopAll() {
        if (closed) {
            return;
        }
        closed = true;
        if (client != null) {
            client.close();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        try {
            apiServer.stop();
        } catch (RuntimeException e) {
            // fall through to the process tree sweep below
        }
        // Anything still running that this JVM started (kube-api-test's etcd and kube-apiserver
        // included) goes too: no stray processes after the tests.
        ProcessHandle.current().children().forEach(child -> ManagedProcess.stopTree(child, Duration.ofSeconds(5)));
    }
}
