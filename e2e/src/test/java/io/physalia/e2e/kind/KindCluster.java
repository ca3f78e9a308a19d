package io.physalia.e2e.kind;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.physalia.core.testing.ExternalTool;
import io.physalia.e2e.k8s.ControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A Kind cluster made with the kind CLI: one control plane and {@code workers} workers, on the node
 * image of {@link KindSetup}. The kind CLI (not kindcontainer) because the suite needs several
 * nodes (kindcontainer makes one), {@code kind load image-archive} for the Jib tars, and Kubernetes
 * 1.36 (kindcontainer 2.0.0's version list stops at 1.34).
 *
 * <p>The host reaches pod IPs: {@link #routePodNetworks()} routes each node's pod CIDR through that
 * node's address on the kind network, as a datacenter routes pod networks announced by a BGP CNI
 * (kube-router here), so the Java client talks to the nodes as Physalia's clients do, from hosts
 * outside the cluster. {@link #close()} removes the routes and deletes the cluster; a JVM shutdown
 * hook does it too if the run ends early.
 */
final class KindCluster implements AutoCloseable {
    private static final Duration KIND_TIMEOUT = Duration.ofMinutes(6);

    private final KindSetup setup;
    private final String name;
    private final Path dir;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final List<String> routes = new ArrayList<>();
    private final Thread cleanup;
    private boolean closed;

    private KindCluster(KindSetup setup, String name, Path dir, Path kubeconfig, KubernetesClient client) {
        this.setup = setup;
        this.name = name;
        this.dir = dir;
        this.kubeconfig = kubeconfig;
        this.client = client;
        this.cleanup = new Thread(this::deleteQuietly, "kind-cleanup-" + name);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /** Creates the cluster (deleting a leftover one of the same name first) and waits until every node is Ready. */
    static KindCluster create(KindSetup setup, String name, int workers, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("kind-config.yaml");
        StringBuilder yaml = new StringBuilder("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n");
        for (int i = 0; i < workers; i++) {
            yaml.append("- role: worker\n");
        }
        Files.writeString(config, yaml);
        Path kubeconfig = dir.resolve("kubeconfig");
        progress("deleting any leftover cluster " + name);
        kind(setup, dir, Duration.ofMinutes(2), "delete", "cluster", "--name", name);
        progress("creating cluster " + name + " (1 control plane, " + workers + " workers, image " + setup.nodeImage() + ")");
        Instant t0 = Instant.now();
        ExternalTool.Result created = kind(setup, dir, KIND_TIMEOUT, "create", "cluster", "--name", name,
                "--image", setup.nodeImage(), "--config", config.toString(), "--kubeconfig", kubeconfig.toString());
        Files.writeString(dir.resolve("kind-create.log"), created.output());
        if (created.exit() != 0) {
            kind(setup, dir, Duration.ofMinutes(2), "delete", "cluster", "--name", name);
            throw new AssertionError("kind create cluster failed (exit " + created.exit() + "):\n" + created.output());
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        KindCluster cluster = new KindCluster(setup, name, dir, kubeconfig, client);
        try {
            cluster.await("every node Ready", Duration.ofMinutes(5), () -> {
                List<Node> nodes = client.nodes().list().getItems();
                return nodes.size() == workers + 1 && nodes.stream().allMatch(ControlPlane::isReady);
            });
            cluster.await("CoreDNS and kube-router running", Duration.ofMinutes(5), () -> client.pods().inNamespace("kube-system").list()
                    .getItems().stream().filter(p -> p.getMetadata().getName().startsWith("coredns-")
                            || p.getMetadata().getName().startsWith("kube-router-"))
                    .filter(KindCluster::podReady).count() == 2 + workers + 1);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        progress("cluster " + name + " ready in " + Duration.between(t0, Instant.now()).toSeconds() + " s");
        return cluster;
    }

    KubernetesClient client() {
        return client;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    String name() {
        return name;
    }

    /** The node containers' names, control plane first. */
    List<String> nodeNames() {
        return client.nodes().list().getItems().stream().map(n -> n.getMetadata().getName()).sorted().toList();
    }

    List<String> workerNames() {
        return nodeNames().stream().filter(n -> !n.endsWith("-control-plane")).toList();
    }

    /**
     * Loads an image tar (a Jib OCI tar) into every node, under {@code reference} (as {@code repo:tag}). kind loads
     * it under its short name, which the kubelet's CRI does not resolve: the image is also tagged with its
     * qualified {@code docker.io/} name, as a pull would have named it.
     */
    void loadImage(Path tar, String reference) throws IOException, InterruptedException {
        if (!Files.isRegularFile(tar)) {
            throw new AssertionError("no image tar at " + tar + " (built by the images module: ./mvnw -pl images/node,images/operator -am package)");
        }
        progress("loading " + reference + " (" + Files.size(tar) / 1_000_000 + " MB) into " + nodeNames().size() + " nodes");
        ExternalTool.Result loaded = kind(setup, dir, KIND_TIMEOUT, "load", "image-archive", tar.toString(), "--name", name);
        if (loaded.exit() != 0) {
            throw new AssertionError("kind load image-archive " + tar + " failed:\n" + loaded.output());
        }
        tagQualified(reference);
    }

    /** Loads an image from this host's Docker engine into every node (e.g. one made by {@code docker import}). */
    void loadDockerImage(String reference) throws IOException, InterruptedException {
        progress("loading " + reference + " from Docker into " + nodeNames().size() + " nodes");
        ExternalTool.Result loaded = kind(setup, dir, KIND_TIMEOUT, "load", "docker-image", reference, "--name", name);
        if (loaded.exit() != 0) {
            throw new AssertionError("kind load docker-image " + reference + " failed:\n" + loaded.output());
        }
        tagQualified(reference);
    }

    /**
     * Tags an image already in every node ({@code existing}, as {@code repo:tag}) as {@code alias} too: a
     * "new version" made without a registry, which the kubelet finds as if it had pulled it.
     */
    void tagImage(String existing, String alias) throws IOException, InterruptedException {
        for (String node : nodeNames()) {
            exec(node, "ctr", "-n", "k8s.io", "images", "tag", "--force", qualified(existing), qualified(alias));
        }
        progress("tagged " + existing + " as " + alias + " in " + nodeNames().size() + " nodes");
    }

    /** Tags a loaded image with the name the kubelet's CRI resolves a pod's image to, unless it has it. */
    private void tagQualified(String reference) throws IOException, InterruptedException {
        String qualified = qualified(reference);
        for (String node : nodeNames()) {
            List<String> images = List.of(exec(node, "ctr", "-n", "k8s.io", "images", "ls", "-q").split("\\s+"));
            if (images.contains(qualified)) {
                continue;
            }
            if (!images.contains(reference)) {
                throw new AssertionError(reference + " is not in node " + node + " after loading it: " + images);
            }
            exec(node, "ctr", "-n", "k8s.io", "images", "tag", "--force", reference, qualified);
        }
    }

    /**
     * An image reference as a pull would name it: {@code busybox:1.37} is {@code docker.io/library/busybox:1.37},
     * {@code physalia/node:v1} is {@code docker.io/physalia/node:v1}; one that names its registry stays.
     */
    static String qualified(String reference) {
        int slash = reference.indexOf('/');
        if (slash < 0) {
            return "docker.io/library/" + reference;
        }
        String first = reference.substring(0, slash);
        boolean registry = first.contains(".") || first.contains(":") || first.equals("localhost");
        return registry ? reference : "docker.io/" + reference;
    }

    /** Runs a command in a node's container; fails unless it exits 0. */
    String exec(String node, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("exec", node));
        args.addAll(List.of(command));
        ExternalTool.Result r = KindSetup.docker(args, Duration.ofMinutes(2));
        if (r.exit() != 0) {
            throw new AssertionError("docker " + String.join(" ", args) + " failed (exit " + r.exit() + "):\n" + r.output());
        }
        return r.output();
    }

    /**
     * Creates {@code perWorker} static local PersistentVolumes of {@code size} on each worker (class
     * {@code standard}, the offline image's default, which has no provisioner): a directory in the
     * worker's container, writable by the pods' non-root users, and a volume pinned to that worker.
     */
    void provideLocalVolumes(int perWorker, String size) throws IOException, InterruptedException {
        for (String worker : workerNames()) {
            for (int i = 0; i < perWorker; i++) {
                String path = "/var/local-volumes/pv" + i;
                exec(worker, "mkdir", "-p", "-m", "0777", path);
                exec(worker, "chmod", "0777", path);
                client.persistentVolumes().resource(new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
                        .withNewMetadata().withName(worker + "-pv" + i).endMetadata()
                        .withNewSpec()
                            .withCapacity(java.util.Map.of("storage", new io.fabric8.kubernetes.api.model.Quantity(size)))
                            .withAccessModes("ReadWriteOnce")
                            .withStorageClassName("standard")
                            .withPersistentVolumeReclaimPolicy("Retain")
                            .withNewLocal().withPath(path).endLocal()
                            .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                                .withKey("kubernetes.io/hostname").withOperator("In").withValues(worker)
                            .endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity()
                        .endSpec().build()).create();
            }
        }
        progress("created " + perWorker + " local volumes of " + size + " on each of " + workerNames().size() + " workers");
    }

    /** Routes every node's pod CIDR from this host through the node's address (needs root, as CI runs). */
    void routePodNetworks() throws IOException, InterruptedException {
        for (Node node : client.nodes().list().getItems()) {
            String cidr = node.getSpec().getPodCIDR();
            String address = node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType()))
                    .map(NodeAddress::getAddress).findFirst().orElseThrow(() -> new AssertionError("no InternalIP on " + node.getMetadata().getName()));
            if (cidr == null) {
                throw new AssertionError("node " + node.getMetadata().getName() + " has no pod CIDR");
            }
            ExternalTool.Result r = ExternalTool.run(dir, List.of("ip", "route", "replace", cidr, "via", address), Duration.ofSeconds(10));
            if (r.exit() != 0) {
                throw new AssertionError("cannot route " + cidr + " via " + address + " (root is needed): " + r.output());
            }
            routes.add(cidr + " via " + address);
        }
        progress("routed pod networks: " + routes);
    }

    /** The kind network's IPv4 subnet (where this host's own address on it lies). */
    String dockerSubnet() throws IOException, InterruptedException {
        ExternalTool.Result r = KindSetup.docker(List.of("network", "inspect", "kind", "--format",
                "{{range .IPAM.Config}}{{.Subnet}} {{end}}"), Duration.ofSeconds(20));
        return List.of(r.output().strip().split("\\s+")).stream().filter(s -> s.contains(".")).findFirst()
                .orElseThrow(() -> new AssertionError("no IPv4 subnet on the kind network: " + r.output()));
    }

    void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        Instant nextReport = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // the API server restarting, a resource not there yet: ask again
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            if (Instant.now().isAfter(nextReport)) {
                progress("still waiting for " + what);
                nextReport = Instant.now().plusSeconds(30);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Saves kind's logs of every node (kubelet, containerd, pods) under the cluster's directory. */
    void exportLogs() {
        try {
            kind(setup, dir, KIND_TIMEOUT, "export", "logs", dir.resolve("logs").toString(), "--name", name);
        } catch (IOException | InterruptedException | AssertionError e) {
            progress("could not export logs: " + e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running this
        }
        deleteQuietly();
    }

    private synchronized void deleteQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
        for (String route : routes) {
            try {
                List<String> command = new ArrayList<>(List.of("ip", "route", "del"));
                command.addAll(List.of(route.split(" ")));
                ExternalTool.run(dir, command, Duration.ofSeconds(10));
            } catch (IOException | InterruptedException | AssertionError e) {
                progress("could not remove route " + route + ": " + e);
            }
        }
        try {
            progress("deleting cluster " + name);
            kind(setup, dir, Duration.ofMinutes(2), "delete", "cluster", "--name", name);
        } catch (IOException | InterruptedException | AssertionError e) {
            progress("could not delete cluster " + name + ": " + e);
        }
    }

    static boolean podReady(Pod pod) {
        return pod.getStatus() != null && pod.getMetadata().getDeletionTimestamp() == null
                && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static void progress(String line) {
        System.out.println("[kind " + Instant.now().toString().substring(11, 19) + "] " + line);
    }

    private static ExternalTool.Result kind(KindSetup setup, Path dir, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(setup.kind().toString()));
        command.addAll(List.of(args));
        return ExternalTool.run(dir, command, timeout);
    }
}
