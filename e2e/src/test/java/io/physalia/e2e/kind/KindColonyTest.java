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
import io.physalia.e2e.images.ImageTar;
import io.physalia.e2e.k8s.Helm;
import io.physalia.e2e.k8s.K8sBinaries;
import io.physalia.e2e.k8s.Kubectl;
import io.physalia.operator.LabelNodes;
import io.physalia.topology.TopologyLabels;
import io.fabric8.kubernetes.api.model.Condition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        String values = """
                operator: {replicas: 1}
                colony:
                  enabled: true
                  name: %s
                  version: "%s"
                  colors: [blue, green]
                  nodesPerColor: 3
                  cellDefaults: {size: 3}
                networkPolicy: {enabled: true, clientCIDRs: ["%s"]}
                """.formatted(COLONY, VERSION, cluster.dockerSubnet());
        Helm.Result installed = helm.run("install", RELEASE, Helm.CHART.toString(), "-n", NS, "-f", helm.valuesFile(values).toString());
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

    // --- helpers ---------------------------------------------------------------------------------

    /** Runs {@code nc} towards ip:port in an ephemeral container of {@code pod}; its exit code (0: connected). */
    static int connectExit(Pod pod, String ip, int port, String label) throws IOException, InterruptedException {
        String container = "probe-" + label;
        Path kubectl = K8sBinaries.locate().binary("kubectl");
        Kubectl.Result r = Kubectl.run(kubectl, cluster.kubeconfig(), DIR, "debug", "-n", NS, "pod/" + pod.getMetadata().getName(),
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

    static List<Pod> nodePods(String color) {
        return k8s.pods().inNamespace(NS).withLabel("physalia.io/colony", COLONY).withLabel("physalia.io/color", color)
                .withLabel("app.kubernetes.io/name", "physalia-node").list().getItems().stream()
                .filter(KindCluster::podReady).sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName())).toList();
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
