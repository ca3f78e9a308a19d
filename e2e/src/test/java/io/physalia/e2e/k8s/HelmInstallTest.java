package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.physalia.crds.Cell;
import io.physalia.crds.CellSpec;
import io.physalia.crds.ClientLocation;
import io.physalia.crds.Colony;
import io.physalia.crds.RolloutStatus;
import io.physalia.operator.Names;
import io.physalia.operator.PhysaliaOperator;
import io.physalia.topology.NodeTopology;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart installed for real ({@code helm install}, {@code helm upgrade}, {@code helm uninstall})
 * on the real control plane, in a namespace that enforces PSS restricted, with a Colony of one color
 * of 3 node pods (real node processes behind kwok's pods, on 3 fake Kubernetes nodes in 3 racks).
 * The operator runs in this JVM <em>as the chart's ServiceAccount</em> (impersonated): the Lease
 * physalia-operator is taken, renewed and released as its leader election does, the Colony becomes Ready, a Cell is placed and gets Ready, a rollout (a
 * {@code helm upgrade} of {@code colony.version}) deletes and replaces every pod, the Cell is deleted
 * through its finalizer, and the API server answers 403 to none of the operator's requests. Then
 * {@code helm uninstall} removes the operator and its RBAC and keeps the CRDs, the Colony and the
 * nodes' volume claims.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmInstallTest {
    static final String NS = "helm-install";
    static final String RELEASE = "rb";
    static final String COLONY = "hc";
    static final String SERVICE_ACCOUNT = "system:serviceaccount:" + NS + ":" + RELEASE + "-physalia-operator";
    static final String IMAGE = OperatorColony.IMAGE;
    static final Duration WAIT = Duration.ofMinutes(4);
    static final String VALUES = """
            operator: {replicas: 1}
            admissionPolicy: {enabled: false}
            colony:
              enabled: true
              name: %s
              image: %s
              version: v1
              colors: [blue]
              nodesPerColor: 3
              nodeSelector: {%s: %s}
              rollout: {validationWindowSeconds: 1, podReadyTimeoutSeconds: 60}
            networkPolicy: {enabled: true, clientNamespaces: [%s]}
            """.formatted(COLONY, IMAGE, FakeFleet.POOL, NS, NS);

    static ControlPlane plane;
    static KubernetesClient admin;
    static Helm helm;
    static Path values;
    static PodRunner runner;
    static final ForbiddenRecorder forbidden = new ForbiddenRecorder();
    static KubernetesClient asServiceAccount;
    static PhysaliaOperator operator;

    @BeforeAll
    static void setUp(ControlPlane controlPlane, @TempDir Path dir) throws IOException {
        plane = controlPlane;
        admin = plane.client();
        helm = Helm.on(plane, dir);
        values = helm.valuesFile(VALUES);
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .withLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted",
                        "pod-security.kubernetes.io/enforce-version", "latest"))
                .endMetadata().build()).create();
        for (int rack = 1; rack <= 3; rack++) {
            plane.addFakeNode(new NodeTopology(NS + "-k" + rack, "zone-a", "r1", "r1-k" + rack, "r1-pw" + rack),
                    Map.of(FakeFleet.POOL, NS));
        }
        runner = PodRunner.start(admin, NS, Names.APP_LABEL + "=" + Names.APP);
        for (String v : List.of("v1", "v2")) {
            runner.image(IMAGE + ":" + v, ImageLaunch.physaliaNode());
        }
        Config config = Config.fromKubeconfig(Files.readString(plane.kubeconfig()));
        config.setImpersonateUsername(SERVICE_ACCOUNT);
        asServiceAccount = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("forbidden", forbidden)).build();
    }

    @AfterAll
    static void tearDown() {
        try {
            if (operator != null) {
                operator.close();
            }
        } finally {
            if (asServiceAccount != null) {
                asServiceAccount.close();
            }
            if (runner != null) {
                runner.close();
            }
        }
    }

    @Test
    @Order(1)
    void theOperatorRunsOnTheChartsServiceAccount() {
        Helm.Result install = helm.run("install", RELEASE, Helm.CHART.toString(), "-n", NS, "-f", values.toString());
        assertTrue(install.ok(), install.output());
        assertTrue(install.output().contains("STATUS: deployed"), install.output());
        // PSS restricted is enforced here: the ReplicaSet's pod exists only if the pod template passes
        plane.await("the operator Deployment's pod to be admitted and Ready", WAIT, () -> {
            var d = admin.apps().deployments().inNamespace(NS).withName(RELEASE + "-physalia-operator").get();
            return d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas());
        });

        // The Lease, as JOSDK's leader election takes it (Fabric8's LeaderElector on a LeaseLock): here
        // rather than in the operator, whose leader election exits the JVM when it stops leading.
        leadOnce();
        operator = new PhysaliaOperator(asServiceAccount, NS, false);
        operator.start();
        plane.await("Colony " + COLONY + " to be Ready", WAIT, () -> conditionTrue(colony().getStatus().getConditions(), "Ready"));

        Cell cell = new Cell();
        cell.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace(NS).build());
        CellSpec spec = new CellSpec();
        spec.setColor("blue");
        spec.setSize(3);
        ClientLocation near = new ClientLocation();
        near.setRack("r1-k1");
        spec.setClientLocations(List.of(near));
        cell.setSpec(spec);
        admin.resource(cell).create();
        plane.await("Cell orders to be Ready", WAIT, () -> {
            Cell c = cell();
            return c.getStatus() != null && conditionTrue(c.getStatus().getConditions(), "Ready");
        });
        assertTrue(cell().getMetadata().getFinalizers().size() == 1, "the operator's finalizer: " + cell().getMetadata().getFinalizers());

        // a rollout: every pod deleted by the operator and replaced, one at a time
        Map<String, String> before = podUids();
        Helm.Result upgrade = helm.run("upgrade", RELEASE, Helm.CHART.toString(), "-n", NS, "--reuse-values",
                "--set", "colony.version=v2");
        assertTrue(upgrade.ok(), upgrade.output());
        assertTrue(upgrade.output().contains("Helm does not upgrade CRDs"), "the upgrade notes say how CRDs are upgraded:\n" + upgrade.output());
        plane.await("the rollout to v2 to complete", WAIT, () -> {
            RolloutStatus r = colony().getStatus().getRollout();
            return r != null && "v2".equals(r.getTargetVersion()) && "Complete".equals(r.getPhase())
                    && podVersions().values().stream().allMatch("v2"::equals) && podVersions().size() == 3;
        });
        Map<String, String> after = podUids();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((pod, uid) -> assertTrue(!uid.equals(after.get(pod)), pod + " was replaced"));

        admin.resource(cell()).delete();
        plane.await("Cell orders to be gone (its replicas dropped, its finalizer removed)", WAIT, () -> cell() == null);
        assertTrue(admin.v1().events().inNamespace(NS).list().getItems().stream().anyMatch(e -> "ColorCreated".equals(e.getReason())),
                "the operator's Events");

        assertEquals(Set.of(), forbidden.seen(), "requests of the operator the chart's RBAC refused");
        // the recorder sees a refusal when there is one
        assertThrows(KubernetesClientException.class, () -> asServiceAccount.secrets().inNamespace("default").list());
        assertEquals(1, forbidden.seen().size(), forbidden.seen().toString());
        forbidden.clear();
    }

    @Test
    @Order(2)
    void theServiceAccountMayDoNoMore() {
        for (String allowed : List.of("delete pods", "list pods", "patch statefulsets.apps", "create secrets", "get secrets", "patch configmaps",
                "patch poddisruptionbudgets.policy", "create colors.physalia.io", "patch cells.physalia.io --subresource=status",
                "update colonies.physalia.io --subresource=finalizers", "update leases.coordination.k8s.io", "create events", "list nodes",
                "get customresourcedefinitions.apiextensions.k8s.io/colonies.physalia.io")) {
            assertEquals("yes", canI(allowed, NS), allowed);
        }
        for (String refused : List.of("list secrets", "update secrets", "delete secrets", "create pods", "create pods/eviction",
                "delete statefulsets.apps", "delete services", "delete colonies.physalia.io", "create cells.physalia.io",
                "update colonies.physalia.io", "delete configmaps", "list configmaps", "patch nodes", "delete nodes",
                "get customresourcedefinitions.apiextensions.k8s.io/other.example.io", "create customresourcedefinitions.apiextensions.k8s.io",
                "get persistentvolumeclaims")) {
            assertEquals("no", canI(refused, NS), refused);
        }
        assertEquals("no", canI("get secrets", "default"), "another namespace's secrets");
        assertEquals("no", canI("list pods", "default"), "another namespace's pods");

        Helm.Result labeler = helm.run("upgrade", RELEASE, Helm.CHART.toString(), "-n", NS, "--reuse-values",
                "--set", "rbac.nodeLabeler=true");
        assertTrue(labeler.ok(), labeler.output());
        assertEquals("yes", canI("patch nodes", NS), "rbac.nodeLabeler: label-nodes may patch Nodes");
        assertEquals("no", canI("delete nodes", NS));
    }

    @Test
    @Order(3)
    void uninstallKeepsTheCrdsTheColonyAndItsData() {
        if (operator != null) {
            operator.close(); // as the Deployment's pods go
            operator = null;
        }
        Set<String> claims = claims();
        assertEquals(3, claims.size(), claims.toString());

        Helm.Result uninstall = helm.run("uninstall", RELEASE, "-n", NS);
        assertTrue(uninstall.ok(), uninstall.output());
        assertTrue(uninstall.output().contains("These resources were kept due to the resource policy:")
                && uninstall.output().contains("[Colony] " + COLONY), uninstall.output());
        assertNull(admin.apps().deployments().inNamespace(NS).withName(RELEASE + "-physalia-operator").get());
        assertNull(admin.serviceAccounts().inNamespace(NS).withName(RELEASE + "-physalia-operator").get());
        assertNull(admin.rbac().roles().inNamespace(NS).withName(RELEASE + "-physalia-operator").get());
        assertNull(admin.rbac().clusterRoles().withName(NS + "-" + RELEASE + "-physalia-operator").get());
        assertEquals(List.of(), admin.network().v1().networkPolicies().inNamespace(NS).list().getItems());
        for (String crd : Crds.NAMES) {
            assertNotNull(admin.apiextensions().v1().customResourceDefinitions().withName(crd).get(), crd + " kept");
        }
        assertNotNull(colony(), "the Colony is kept");
        assertNotNull(admin.apps().statefulSets().inNamespace(NS).withName(COLONY + "-blue").get(), "and its nodes");

        // the README's way to remove a colony: delete it while an operator runs; the claims stay
        PhysaliaOperator cleanup = new PhysaliaOperator(admin, NS, false);
        cleanup.start();
        try {
            admin.resource(colony()).delete();
            plane.await("Colony " + COLONY + " to be gone", WAIT, () -> colony() == null);
            plane.await("its StatefulSet to be collected", WAIT,
                    () -> admin.apps().statefulSets().inNamespace(NS).withName(COLONY + "-blue").get() == null);
        } finally {
            cleanup.close();
        }
        assertEquals(claims, claims(), "the nodes' PersistentVolumeClaims outlive the colony");
    }

    // --- helpers ------------------------------------------------------------

    /**
     * Takes the Lease physalia-operator as the service account and renews it once: the create, get and update
     * the chart's Role must allow. The elector is then cancelled; the Lease it leaves is not waited on, since
     * the operator of this test runs without leader election.
     */
    static void leadOnce() {
        java.util.concurrent.CountDownLatch leading = new java.util.concurrent.CountDownLatch(1);
        String identity = "helm-install-test";
        var config = new LeaderElectionConfigBuilder().withName(PhysaliaOperator.LEASE)
                .withLock(new LeaseLock(NS, PhysaliaOperator.LEASE, identity))
                .withLeaseDuration(Duration.ofSeconds(15)).withRenewDeadline(Duration.ofSeconds(10)).withRetryPeriod(Duration.ofSeconds(1))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(leading::countDown, () -> {}, leader -> {}))
                .build();
        CompletableFuture<?> running = asServiceAccount.leaderElector().withConfig(config).build().start();
        try {
            plane.await("the Lease " + PhysaliaOperator.LEASE + " taken", WAIT, () -> leading.getCount() == 0);
            Lease taken = lease();
            assertEquals(identity, taken.getSpec().getHolderIdentity());
            plane.await("the Lease renewed", WAIT, () -> !taken.getSpec().getRenewTime().equals(lease().getSpec().getRenewTime()));
        } finally {
            running.cancel(true);
        }
    }

    static Lease lease() {
        return admin.resources(Lease.class).inNamespace(NS).withName(PhysaliaOperator.LEASE).get();
    }

    static String canI(String what, String namespace) {
        List<String> args = new java.util.ArrayList<>(List.of("auth", "can-i"));
        args.addAll(List.of(what.split(" ")));
        args.addAll(List.of("-n", namespace, "--as", SERVICE_ACCOUNT));
        Kubectl.Result r = plane.kubectl(args.toArray(String[]::new));
        return r.output().strip().lines().reduce((a, b) -> b).orElse("");
    }

    static Colony colony() {
        return admin.resources(Colony.class).inNamespace(NS).withName(COLONY).get();
    }

    static Cell cell() {
        return admin.resources(Cell.class).inNamespace(NS).withName("orders").get();
    }

    static boolean conditionTrue(List<io.fabric8.kubernetes.api.model.Condition> conditions, String type) {
        return conditions != null && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static Map<String, String> podUids() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Pod p : admin.pods().inNamespace(NS).withLabel(Names.COLONY_LABEL, COLONY).list().getItems()) {
            out.put(p.getMetadata().getName(), p.getMetadata().getUid());
        }
        return out;
    }

    static Map<String, String> podVersions() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Pod p : admin.pods().inNamespace(NS).withLabel(Names.COLONY_LABEL, COLONY).list().getItems()) {
            if (p.getMetadata().getDeletionTimestamp() == null) {
                out.put(p.getMetadata().getName(), p.getMetadata().getLabels().get(Names.VERSION_LABEL));
            }
        }
        return out;
    }

    /** The claims of the colony's nodes, selected as the chart's README deletes them. */
    static Set<String> claims() {
        Set<String> out = new TreeSet<>();
        admin.persistentVolumeClaims().inNamespace(NS).withLabel(Names.COLONY_LABEL, COLONY).list().getItems().forEach(c -> out.add(c.getMetadata().getName() + "@" + c.getMetadata().getUid()));
        return out;
    }

    /** Every request the API server refused with 403, as {@code METHOD uri}. */
    static final class ForbiddenRecorder implements Interceptor {
        private final Set<String> seen = new ConcurrentSkipListSet<>();

        @Override
        public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            record(request, response);
        }

        @Override
        public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
            record(response.request(), response);
            return CompletableFuture.completedFuture(false);
        }

        private void record(HttpRequest request, HttpResponse<?> response) {
            if (response.code() == 403) {
                seen.add(request.method() + " " + request.uri());
            }
        }

        Set<String> seen() {
            return Set.copyOf(seen);
        }

        void clear() {
            seen.clear();
        }
    }
}
