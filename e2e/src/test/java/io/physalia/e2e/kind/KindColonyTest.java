package io.physalia.e2e.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.PhysaliaException;
import io.physalia.client.Response;
import io.physalia.crds.Cell;
import io.physalia.crds.CellMember;
import io.physalia.crds.CellSpec;
import io.physalia.crds.ClientLocation;
import io.physalia.crds.Colony;
import io.physalia.crds.Color;
import io.physalia.crds.ColorPhase;
import io.physalia.crds.RolloutStatus;
import io.physalia.e2e.images.ImageTar;
import io.physalia.e2e.k8s.Helm;
import io.physalia.e2e.k8s.K8sBinaries;
import io.physalia.e2e.k8s.Kubectl;
import io.physalia.operator.LabelNodes;
import io.physalia.topology.TopologyLabels;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The whole shape on a real Kind cluster: one control plane and 6 workers in 3 racks (systemd, kubelet,
 * containerd, kube-proxy, CoreDNS and kube-router, which enforces NetworkPolicy), labelled with
 * zone, row, rack and power by {@code physalia label-nodes}; the node and operator images loaded
 * from their Jib tars; {@code helm install} of the chart with a Colony of 2 colors x 3 node pods;
 * a Cell per color. The operator runs in its pod, the nodes in theirs, and the Java client talks to
 * them from this host, as Physalia's clients do from theirs.
 *
 * <p>One cluster serves every test, in order. Without Docker, the kind CLI or the node image, the
 * suite is aborted with the reason ({@link KindSetup}); {@code .ci/run} makes that a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KindColonyTest {
    static final String CLUSTER = "physalia-e2e";
    static final String NS = "physalia-kind";
    static final String RELEASE = "physalia";
    static final String COLONY = "kind";
    static final String VERSION = System.getProperty("physalia.version", "0.1.0-SNAPSHOT");
    static final Duration WAIT = Duration.ofMinutes(6);
    static final Path DIR = Path.of("target", "kind").toAbsolutePath();
    /** The operator puts one node pod on a Kubernetes node: 2 colors x 3 pods need 6 workers (2 per rack). */
    static final int WORKERS = 6;
    /** A "version" whose node never gets ready: the busybox probe image, whose entrypoint refuses the node's flags. */
    static final String BROKEN = "broken";
    /** The next version: the same node image under another tag (no registry here to push a rebuilt one to). */
    static final String NEXT = "0.1.1-kind";
    /** The cell of each color, by color. */
    static final Map<String, String> CELLS = Map.of("blue", "orders", "green", "billing");

    /** Marks the run failed, so that the cluster's logs are exported before it is deleted. */
    @RegisterExtension
    static final TestWatcher LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    };

    static KindCluster cluster;
    static KubernetesClient k8s;
    static Helm helm;
    /** The values of the install, given again to every upgrade. */
    static Path values;
    static boolean failed = true;

    @BeforeAll
    static void installColony() throws Exception {
        KindSetup setup = KindSetup.require();
        cluster = KindCluster.create(setup, CLUSTER, WORKERS, DIR);
        k8s = cluster.client();
        List<String> workers = cluster.workerNames();
        StringBuilder inventory = new StringBuilder("node,zone,row,rack,power\n");
        inventory.append(CLUSTER + "-control-plane,zone-a,r0,r0-k0,r0-pw0\n");
        for (int i = 0; i < workers.size(); i++) {
            // two workers per rack, each on its own power: a color's 3 pods take one worker of each rack
            inventory.append(workers.get(i)).append(",zone-a,r1,r1-k").append(i / 2 + 1).append(",r1-pw").append(i + 1).append('\n');
        }
        LabelNodes.Result labelled = LabelNodes.run(k8s, inventory.toString(), false);
        assertTrue(labelled.applied(), labelled.plan().render());
        assertEquals("r1-k1", k8s.nodes().withName(workers.get(0)).get().getMetadata().getLabels().get(TopologyLabels.RACK));

        cluster.loadImage(ImageTar.built("node", "jib-image.tar"), "physalia/node:" + VERSION);
        cluster.loadImage(ImageTar.built("operator", "jib-image.tar"), "physalia/operator:" + VERSION);
        cluster.loadDockerImage(KindSetup.PROBE_IMAGE);
        cluster.routePodNetworks();
        if (setup.offline()) {
            cluster.provideLocalVolumes(2, "1Gi"); // one node pod per worker (the operator's anti-affinity), and a spare
        }

        k8s.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        helm = Helm.at(K8sBinaries.locate().binary("helm"), DIR.resolve("helm"), cluster.kubeconfig());
        // a short validation window, and a restarted node given 45 s to be ready (a JVM starts in 10-20 s here)
        values = helm.valuesFile("""
                operator: {replicas: 1}
                colony:
                  enabled: true
                  name: %s
                  version: "%s"
                  colors: [blue, green]
                  nodesPerColor: 3
                  cellDefaults: {size: 3}
                  rollout: {validationWindowSeconds: 5, podReadyTimeoutSeconds: 45}
                networkPolicy: {enabled: true, clientCIDRs: ["%s"]}
                """.formatted(COLONY, VERSION, cluster.dockerSubnet()));
        Helm.Result installed = helm.run("install", RELEASE, Helm.CHART.toString(), "-n", NS, "-f", values.toString());
        assertTrue(installed.ok(), installed.output());
        cluster.await("Colony " + COLONY + " to be Ready", WAIT, () -> conditionTrue(colony().getStatus().getConditions(), "Ready"));

        CELLS.forEach((color, name) -> {
            Cell cell = new Cell();
            cell.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
            CellSpec spec = new CellSpec();
            spec.setColor(color);
            ClientLocation near = new ClientLocation();
            near.setRack("r1-k1");
            spec.setClientLocations(List.of(near));
            cell.setSpec(spec);
            k8s.resource(cell).create();
        });
        for (String name : CELLS.values()) {
            cluster.await("Cell " + name + " to be Ready with 3/3 members", WAIT, () -> fullyReady(cell(name)));
        }
        failed = false;
    }

    @AfterAll
    static void deleteCluster() {
        if (cluster == null) {
            return;
        }
        if (failed) {
            cluster.exportLogs();
        }
        cluster.close();
    }

    @Test
    @Order(1)
    void theJavaClientWritesAndReadsEachColorsCell() throws Exception {
        for (Map.Entry<String, String> e : CELLS.entrySet()) {
            PhysaliaClient client = new PhysaliaClient(seeds(e.getKey()));
            Response put = client.put(e.getValue(), "greeting", "{\"string\":\"hello " + e.getKey() + "\"}");
            assertTrue(put.ok(), put.toString());
            Response read = client.get(e.getValue(), "greeting", "linearizable");
            assertTrue(read.ok() && read.body().contains("hello " + e.getKey()), read.toString());
            Response eventual = client.get(e.getValue(), "greeting", "eventual");
            assertTrue(eventual.ok() && eventual.body().contains("hello " + e.getKey()), eventual.toString());
        }
    }

    @Test
    @Order(2)
    void aKilledNodePodIsReplacedAndItsCellRepaired() throws Exception {
        String cellName = CELLS.get("blue");
        PhysaliaClient client = new PhysaliaClient(seeds("blue"));
        assertTrue(client.put(cellName, "before-kill", "{\"int\":\"1\"}").ok());
        CellMember victim = cell(cellName).getStatus().getMembers().get(0);
        Pod pod = k8s.pods().inNamespace(NS).withName(victim.getNode()).get();
        assertTrue(pod != null, "member " + victim.getNode() + " is a pod of " + NS);
        String uid = pod.getMetadata().getUid();
        KindCluster.progress("killing pod " + pod.getMetadata().getName() + " on " + pod.getSpec().getNodeName());
        k8s.pods().inNamespace(NS).withName(victim.getNode()).withGracePeriod(0).delete();

        // a quorum (2 of 3) stays: writes go on while the pod is gone
        AtomicInteger written = new AtomicInteger();
        cluster.await("pod " + victim.getNode() + " to be replaced and Ready", WAIT, () -> {
            try {
                if (client.put(cellName, "during-" + written.get(), "{\"int\":\"" + written.get() + "\"}").ok()) {
                    written.incrementAndGet();
                }
            } catch (PhysaliaException e) {
                // counted below: the cell must still take most writes
            }
            Pod now = k8s.pods().inNamespace(NS).withName(victim.getNode()).get();
            return now != null && !uid.equals(now.getMetadata().getUid()) && KindCluster.podReady(now);
        });
        assertTrue(written.get() > 0, "the cell took writes while one member's pod was gone");
        cluster.await("Cell " + cellName + " repaired (Ready, 3/3 members, fully replicated)", WAIT, () -> fullyReady(cell(cellName)));
        PhysaliaClient after = new PhysaliaClient(seeds("blue"));
        Response read = after.get(cellName, "before-kill", "linearizable");
        assertTrue(read.ok() && read.body().contains("1"), read.toString());
        assertTrue(after.get(cellName, "during-" + (written.get() - 1), "linearizable").ok(), "the last write during the kill");
        assertTrue(after.put(cellName, "after-kill", "{\"int\":\"2\"}").ok());
    }

    @Test
    @Order(3)
    void aPodOfOneColorCannotReachAnotherColorsPeerPort() throws Exception {
        List<Pod> blue = nodePods("blue");
        List<Pod> green = nodePods("green");
        Pod from = blue.get(0);
        // the probe runs in an ephemeral container of a blue node's pod: its connections are that pod's
        assertEquals(0, connectExit(from, blue.get(1).getStatus().getPodIP(), 7600, "same-color"),
                "a blue node reaches another blue node's peer port (else the probe proves nothing)");
        assertNotEquals(0, connectExit(from, green.get(0).getStatus().getPodIP(), 7600, "cross-color"),
                "a blue node must not reach a green node's peer port");
        assertNotEquals(0, connectExit(from, green.get(0).getStatus().getPodIP(), 7401, "cross-admin"),
                "nor its admin port");
    }

    @Test
    @Order(4)
    void drainingAWorkerLeavesEveryCellAQuorum() throws Exception {
        // the worker of the blue cell's leader: its drain also moves the leadership
        Cell orders = cell(CELLS.get("blue"));
        String victim = orders.getStatus().getLeader() != null ? orders.getStatus().getLeader()
                : orders.getStatus().getMembers().get(0).getNode();
        Pod pod = k8s.pods().inNamespace(NS).withName(victim).get();
        String worker = pod.getSpec().getNodeName();
        String uid = pod.getMetadata().getUid();
        try (QuorumReader reader = QuorumReader.start()) {
            KindCluster.progress("draining " + worker + " (node pod " + victim + ") while a reader reads every cell");
            Kubectl.Result drained = kubectl(Duration.ofMinutes(4), "drain", worker, "--ignore-daemonsets", "--delete-emptydir-data",
                    "--timeout=180s");
            assertTrue(drained.ok(), drained.output());
            // the pod is evicted; its replacement waits for the worker, where its volume is
            cluster.await("pod " + victim + " to be evicted", WAIT, () -> {
                Pod now = k8s.pods().inNamespace(NS).withName(victim).get();
                return now == null || !uid.equals(now.getMetadata().getUid());
            });
            int readsBefore = reader.reads();
            cluster.await("the reader to read on with " + victim + " gone", Duration.ofMinutes(2), () -> reader.reads() >= readsBefore + 40);
            Kubectl.Result uncordoned = kubectl(Duration.ofMinutes(1), "uncordon", worker);
            assertTrue(uncordoned.ok(), uncordoned.output());
            cluster.await("pod " + victim + " to be back and Ready", WAIT, () -> {
                Pod now = k8s.pods().inNamespace(NS).withName(victim).get();
                return now != null && !uid.equals(now.getMetadata().getUid()) && KindCluster.podReady(now);
            });
            for (String name : CELLS.values()) {
                cluster.await("Cell " + name + " to be Ready with 3/3 members again", WAIT, () -> fullyReady(cell(name)));
            }
            reader.stop();
            KindCluster.progress("reader: " + reader.reads() + " linearizable reads, " + reader.failures() + " failed");
            assertEquals(0, reader.failures(), "a read failed during the drain: " + reader.firstFailure());
            assertTrue(reader.reads() > readsBefore, "the reader read while the pod was gone");
        }
    }

    @Test
    @Order(5)
    void aVersionWhoseNodeNeverGetsReadyHaltsAfterItsFirstPod() throws Exception {
        cluster.tagImage(KindSetup.PROBE_IMAGE, "physalia/node:" + BROKEN);
        Map<String, String> green = podUids("green");
        upgradeTo(BROKEN, Helm.CHART);
        cluster.await("the rollout to " + BROKEN + " to halt", WAIT, () -> "Halted".equals(colony().getStatus().getRollout().getPhase()));

        RolloutStatus rollout = colony().getStatus().getRollout();
        KindCluster.progress("halted: " + rollout.getHaltReason());
        assertEquals("blue", rollout.getHaltedColor(), "the first color in rollout order halts");
        assertTrue(rollout.getHaltReason().contains("podReadyTimeoutSeconds"), rollout.getHaltReason());
        List<Pod> blue = allNodePods("blue");
        assertEquals(1, blue.stream().filter(p -> BROKEN.equals(version(p))).count(), "only the first pod was restarted: " + versions(blue));
        assertEquals(2, blue.stream().filter(p -> VERSION.equals(version(p)) && KindCluster.podReady(p)).count(), versions(blue));
        assertEquals(green, podUids("green"), "no pod of the next color was touched");
        assertTrue(allNodePods("green").stream().allMatch(p -> VERSION.equals(version(p))), versions(allNodePods("green")));
        // the Color's status follows the Colony's (its reconciler refreshes every few seconds)
        cluster.await("Color blue to say Halted", Duration.ofMinutes(1), () -> color("blue").getStatus().getPhase() == ColorPhase.Halted);
        assertTrue(conditionTrue(colony().getStatus().getConditions(), "Degraded"), "the Colony says it is Degraded");
        // the halted color's cell keeps its quorum of 2 on the old version
        assertReadsBack();
    }

    @Test
    @Order(6)
    void aNewVersionRollsOutColorByColor() throws Exception {
        cluster.tagImage("physalia/node:" + VERSION, "physalia/node:" + NEXT);
        upgradeTo(NEXT, Helm.CHART);
        List<String> violations = new ArrayList<>();
        cluster.await("the rollout to " + NEXT + " to complete", Duration.ofMinutes(8), () -> {
            List<Pod> blue = allNodePods("blue");
            List<Pod> green = allNodePods("green");
            boolean blueDone = blue.size() == 3 && blue.stream().allMatch(p -> NEXT.equals(version(p)) && KindCluster.podReady(p));
            if (green.stream().anyMatch(p -> NEXT.equals(version(p))) && !blueDone) {
                violations.add("green restarted before blue was done: blue " + versions(blue) + ", green " + versions(green));
            }
            RolloutStatus r = colony().getStatus().getRollout();
            return NEXT.equals(r.getTargetVersion()) && "Complete".equals(r.getPhase());
        });
        assertEquals(List.of(), violations, "color by color");
        for (String c : CELLS.keySet()) {
            List<Pod> pods = allNodePods(c);
            assertTrue(pods.size() == 3 && pods.stream().allMatch(p -> NEXT.equals(version(p))), versions(pods));
            cluster.await("Color " + c + " to say Stable", Duration.ofMinutes(1), () -> color(c).getStatus().getPhase() == ColorPhase.Stable);
        }
        for (String name : CELLS.values()) {
            cluster.await("Cell " + name + " Ready with 3/3 members on " + NEXT, WAIT, () -> fullyReady(cell(name)));
        }
        assertReadsBack();
    }

    @Test
    @Order(7)
    void aHelmUpgradeToAChangedChartKeepsEveryCellAndItsData() throws Exception {
        Path chart = changedChart();
        Map<String, String> cells = cellUids();
        Map<String, String> nodes = nodePodUids();
        Pod operator = operatorPod();
        upgradeTo(NEXT, chart);
        Helm.Result listed = helm.run("list", "-n", NS);
        assertTrue(listed.ok() && listed.output().contains("physalia-" + NEXT), listed.output());
        cluster.await("the operator's pod to be replaced (its template changed) and Ready", WAIT, () -> {
            Pod now = operatorPod();
            return now != null && !now.getMetadata().getUid().equals(operator.getMetadata().getUid()) && KindCluster.podReady(now);
        });
        assertEquals(cells, cellUids(), "every Cell is the same object");
        Map<String, String> nodesAfter = nodePodUids();
        assertEquals(nodes, nodesAfter, "a chart change that touches only the operator restarts no node");
        cluster.await("Colony " + COLONY + " to be Ready under the new operator", WAIT,
                () -> conditionTrue(colony().getStatus().getConditions(), "Ready"));
        for (String name : CELLS.values()) {
            cluster.await("Cell " + name + " Ready with 3/3 members", WAIT, () -> fullyReady(cell(name)));
        }
        assertReadsBack();
    }

    @Test
    @Order(8)
    void helmUninstallLeavesTheColonyItsCellsAndTheirData() throws Exception {
        Map<String, String> cells = cellUids();
        Map<String, String> nodes = nodePodUids();
        Helm.Result removed = helm.run("uninstall", RELEASE, "-n", NS);
        assertTrue(removed.ok(), removed.output());
        cluster.await("the operator to be gone", WAIT, () -> operatorPod() == null
                && k8s.apps().deployments().inNamespace(NS).list().getItems().isEmpty());
        assertEquals(List.of(), k8s.network().v1().networkPolicies().inNamespace(NS).list().getItems().stream()
                .map(n -> n.getMetadata().getName()).toList(), "the chart's NetworkPolicies go with it");
        // kept, as the chart's README says: the Colony, so its StatefulSets and pods; the Cells; every claim
        assertTrue(colony() != null, "the Colony is kept (helm.sh/resource-policy: keep)");
        assertEquals(cells, cellUids());
        Map<String, String> nodesAfter = nodePodUids();
        assertEquals(nodes, nodesAfter, "every node pod runs on");
        assertEquals(6, k8s.persistentVolumeClaims().inNamespace(NS).withLabel("physalia.io/colony", COLONY).list().getItems().size(),
                "every node's claim is kept");
        // with no control plane, the cells go on serving: what was written reads back, and they take writes
        assertReadsBack();
        for (Map.Entry<String, String> e : CELLS.entrySet()) {
            Response put = new PhysaliaClient(seeds(e.getKey())).put(e.getValue(), "after-uninstall", "{\"int\":\"3\"}");
            assertTrue(put.ok(), put.toString());
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** Reads the first test's greeting from each color's cell, linearizably, from fresh clients. */
    static void assertReadsBack() throws PhysaliaException {
        for (Map.Entry<String, String> e : CELLS.entrySet()) {
            Response read = new PhysaliaClient(seeds(e.getKey())).get(e.getValue(), "greeting", "linearizable");
            assertTrue(read.ok() && read.body().contains("hello " + e.getKey()), e.getValue() + ": " + read);
        }
        Response kept = new PhysaliaClient(seeds("blue")).get(CELLS.get("blue"), "before-kill", "linearizable");
        assertTrue(kept.ok() && kept.body().contains("1"), kept.toString());
    }

    /** helm upgrade of the release to {@code version} with the install's values, from {@code chart}. */
    static void upgradeTo(String version, Path chart) {
        KindCluster.progress("helm upgrade to colony.version " + version + " (chart " + chart.getFileName() + ")");
        Helm.Result upgraded = helm.run("upgrade", RELEASE, chart.toString(), "-n", NS, "-f", values.toString(),
                "--set", "colony.version=" + version);
        assertTrue(upgraded.ok(), upgraded.output());
    }

    /**
     * The chart as its next version would ship: another chart version, and a changed default (an
     * annotation on the operator's pod template, so the upgrade replaces the operator's pod).
     */
    static Path changedChart() throws IOException {
        Path copy = DIR.resolve("chart-next").resolve("physalia");
        try (var paths = Files.walk(Helm.CHART)) {
            for (Path from : paths.toList()) {
                Path to = copy.resolve(Helm.CHART.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        replaceOnce(copy.resolve("Chart.yaml"), "\nversion: " + VERSION + "\n", "\nversion: " + NEXT + "\n");
        replaceOnce(copy.resolve("values.yaml"), "\n  podAnnotations: {}\n", "\n  podAnnotations: {physalia.io/chart: next}\n");
        return copy;
    }

    static void replaceOnce(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.indexOf(from) >= 0 && text.indexOf(from) == text.lastIndexOf(from), file + " has '" + from.strip() + "' once");
        Files.writeString(file, text.replace(from, to));
    }

    static Kubectl.Result kubectl(Duration timeout, String... args) {
        return Kubectl.run(K8sBinaries.locate().binary("kubectl"), cluster.kubeconfig(), DIR, timeout, args);
    }

    /** Runs {@code nc} towards ip:port in an ephemeral container of {@code pod}; its exit code (0: connected). */
    static int connectExit(Pod pod, String ip, int port, String label) throws IOException, InterruptedException {
        String container = "probe-" + label;
        Kubectl.Result r = kubectl(Duration.ofMinutes(1), "debug", "-n", NS, "pod/" + pod.getMetadata().getName(),
                "--image=" + KindSetup.PROBE_IMAGE, "--image-pull-policy=Never", "--container=" + container, "--attach=false",
                // busybox nc: -e (run true once connected) comes after the address
                "--", "nc", "-w", "3", ip, String.valueOf(port), "-e", "true");
        assertTrue(r.ok(), r.output());
        int[] exit = new int[1];
        cluster.await("probe " + label + " in " + pod.getMetadata().getName() + " to finish", Duration.ofMinutes(2), () -> {
            Pod now = k8s.pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
            Optional<ContainerStatus> status = now.getStatus().getEphemeralContainerStatuses().stream()
                    .filter(s -> container.equals(s.getName())).findFirst();
            if (status.isPresent() && status.get().getState().getTerminated() != null) {
                exit[0] = status.get().getState().getTerminated().getExitCode();
                return true;
            }
            return false;
        });
        String output = k8s.pods().inNamespace(NS).withName(pod.getMetadata().getName()).inContainer(container).getLog().strip();
        KindCluster.progress("probe " + label + " " + pod.getMetadata().getName() + " -> " + ip + ":" + port + ": exit " + exit[0]
                + (output.isEmpty() ? "" : " (" + output + ")"));
        if (exit[0] != 0) {
            // refused by the policy (kube-router rejects), never a probe that could not run
            assertTrue(output.contains("can't connect"), "the probe failed for another reason: " + output);
        }
        return exit[0];
    }

    static Color color(String color) {
        return k8s.resources(Color.class).inNamespace(NS).list().getItems().stream()
                .filter(c -> color.equals(c.getSpec().getColor())).findFirst()
                .orElseThrow(() -> new AssertionError("no Color " + color + " in " + NS));
    }

    static Pod operatorPod() {
        return k8s.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", "physalia-operator").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).findFirst().orElse(null);
    }

    /** Every node pod of the color, ready or not, by name. */
    static List<Pod> allNodePods(String color) {
        return k8s.pods().inNamespace(NS).withLabel("physalia.io/colony", COLONY).withLabel("physalia.io/color", color)
                .withLabel("app.kubernetes.io/name", "physalia-node").list().getItems().stream()
                .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName())).toList();
    }

    /** The version a node pod runs: its image's tag. */
    static String version(Pod pod) {
        String image = pod.getSpec().getContainers().get(0).getImage();
        return image.substring(image.lastIndexOf(':') + 1);
    }

    static String versions(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName() + "=" + version(p) + (KindCluster.podReady(p) ? "" : "(not ready)")).toList()
                .toString();
    }

    /** The color's node pods' uids, by name. */
    static Map<String, String> podUids(String color) {
        Map<String, String> uids = new TreeMap<>();
        allNodePods(color).forEach(p -> uids.put(p.getMetadata().getName(), p.getMetadata().getUid()));
        return uids;
    }

    /** Every node pod's uid, of every color, by name. */
    static Map<String, String> nodePodUids() {
        Map<String, String> uids = new TreeMap<>();
        CELLS.keySet().forEach(color -> uids.putAll(podUids(color)));
        return uids;
    }

    static Map<String, String> cellUids() {
        Map<String, String> uids = new TreeMap<>();
        CELLS.values().forEach(name -> uids.put(name, cell(name).getMetadata().getUid()));
        return uids;
    }

    /**
     * Reads every color's cell linearizably, one after the other, until stopped, counting reads and
     * failures (a failure: the client gave up after its retries, which outlast a leader change, or
     * read something else than the first test's greeting).
     */
    static final class QuorumReader implements AutoCloseable {
        private final AtomicInteger reads = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private volatile String firstFailure = "";
        private volatile boolean stopped;
        private final Thread thread;

        private QuorumReader(Map<String, PhysaliaClient> clients) {
            thread = new Thread(() -> {
                while (!stopped) {
                    clients.forEach((color, client) -> read(color, client));
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "kind-quorum-reader");
            thread.setDaemon(true);
        }

        static QuorumReader start() {
            Map<String, PhysaliaClient> clients = new TreeMap<>();
            CELLS.keySet().forEach(color -> clients.put(color, new PhysaliaClient(seeds(color))));
            QuorumReader reader = new QuorumReader(clients);
            reader.thread.start();
            return reader;
        }

        private void read(String color, PhysaliaClient client) {
            if (stopped) {
                return;
            }
            String outcome;
            try {
                Response r = client.get(CELLS.get(color), "greeting", "linearizable");
                outcome = r.ok() && r.body().contains("hello " + color) ? null : r.toString();
            } catch (PhysaliaException e) {
                outcome = e.toString();
            }
            reads.incrementAndGet();
            if (outcome != null && failures.getAndIncrement() == 0) {
                firstFailure = CELLS.get(color) + " at " + java.time.Instant.now() + ": " + outcome;
            }
        }

        int reads() {
            return reads.get();
        }

        int failures() {
            return failures.get();
        }

        String firstFailure() {
            return firstFailure;
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(60_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    static Colony colony() {
        return k8s.resources(Colony.class).inNamespace(NS).withName(COLONY).get();
    }

    static Cell cell(String name) {
        return k8s.resources(Cell.class).inNamespace(NS).withName(name).get();
    }

    static boolean fullyReady(Cell c) {
        return c != null && c.getStatus() != null && conditionTrue(c.getStatus().getConditions(), "Ready")
                && conditionTrue(c.getStatus().getConditions(), "FullReplication") && "3/3".equals(c.getStatus().getMembersReady());
    }

    /** The color's Ready node pods, by name. */
    static List<Pod> nodePods(String color) {
        return allNodePods(color).stream().filter(KindCluster::podReady).toList();
    }

    /** The color's node pods, as host:port of their client port (their pod IPs are routed to this host). */
    static List<String> seeds(String color) {
        List<String> seeds = nodePods(color).stream().map(p -> p.getStatus().getPodIP() + ":7400").toList();
        assertTrue(!seeds.isEmpty(), "no ready node pod of color " + color);
        return seeds;
    }

    static boolean conditionTrue(List<Condition> conditions, String type) {
        return conditions != null && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
