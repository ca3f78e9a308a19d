package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.crds.Cell;
import io.physalia.crds.CellMember;
import io.physalia.crds.CellSpec;
import io.physalia.crds.ClientLocation;
import io.physalia.crds.Colony;
import io.physalia.crds.Color;
import io.physalia.crds.ColorPhase;
import io.physalia.crds.RolloutPolicy;
import io.physalia.crds.RolloutStatus;
import io.physalia.operator.Names;
import io.physalia.operator.NodePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rollouts and drains on a small colony of real node processes: one row of 7 racks of 2 Kubernetes
 * nodes (a power domain a rack), 2 colors of 3 node pods,
 * one cell of 3 per color. While each rollout runs, a watcher reads every member's readiness
 * twice a second (no two members of a cell may be down at once: a cell of 3 keeps its quorum) and
 * records every pod's replacement (each pod restarted once, one color after the other), and a
 * client writes to both cells.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorRolloutTest {
    static final String NS = "rollout-e2e";
    static final String COLONY = "roll";
    static final String IMAGE = OperatorColony.IMAGE;
    static final Duration ROLL = Duration.ofMinutes(4);

    static OperatorColony fixture;
    static ControlPlane plane;
    static KubernetesClient client;

    @BeforeAll
    static void colony(ControlPlane controlPlane) {
        fixture = OperatorColony.start(controlPlane, NS, COLONY, new OperatorColony.Shape(1, 7, 2, 3, 7), spec -> {
            RolloutPolicy p = new RolloutPolicy();
            p.setValidationWindowSeconds(5);
            p.setPodReadyTimeoutSeconds(20);
            spec.setRollout(p);
        });
        plane = controlPlane;
        client = plane.client();
        for (String v : List.of("v2", "v3")) {
            fixture.runner.image(IMAGE + ":" + v, ImageLaunch.physaliaNode());
        }
        // a version whose node exits at once (a flag it does not know): a crash loop
        ImageLaunch good = ImageLaunch.physaliaNode();
        List<String> bad = new ArrayList<>(good.entrypoint());
        bad.add("--no-such-flag-in-this-version");
        fixture.runner.image(IMAGE + ":bad", new ImageLaunch(bad, good.env()));
        for (String color : OperatorColony.COLORS) {
            Cell c = new Cell();
            c.setMetadata(new ObjectMetaBuilder().withName(color + "-cell").withNamespace(NS).build());
            CellSpec spec = new CellSpec();
            spec.setColor(color);
            spec.setSize(3);
            ClientLocation l = new ClientLocation();
            l.setRack("r1-k1");
            spec.setClientLocations(List.of(l));
            c.setSpec(spec);
            client.resource(c).create();
        }
        plane.await("both cells Ready with every member caught up", ROLL, () -> settled("blue-cell") && settled("green-cell"));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static Cell cell(String name) {
        return client.resources(Cell.class).inNamespace(NS).withName(name).get();
    }

    static boolean settled(String name) {
        return fixture.settled(name);
    }

    static RolloutStatus rollout() {
        Colony c = fixture.colony();
        return c.getStatus() == null ? null : c.getStatus().getRollout();
    }

    static void setVersion(String v) {
        client.resources(Colony.class).inNamespace(NS).withName(COLONY).edit(c -> {
            c.getSpec().setVersion(v);
            return c;
        });
    }

    static Color color(String c) {
        return client.resources(Color.class).inNamespace(NS).withName(COLONY + "-" + c).get();
    }

    static Map<String, String> uids() {
        Map<String, String> out = new TreeMap<>();
        for (Pod p : client.pods().inNamespace(NS).withLabel(Names.COLONY_LABEL, COLONY).list().getItems()) {
            out.put(p.getMetadata().getName(), p.getMetadata().getUid());
        }
        return out;
    }

    static Map<String, String> versions() {
        Map<String, String> out = new TreeMap<>();
        for (Pod p : client.pods().inNamespace(NS).withLabel(Names.COLONY_LABEL, COLONY).list().getItems()) {
            out.put(p.getMetadata().getName(), p.getMetadata().getLabels().get(Names.VERSION_LABEL));
        }
        return out;
    }

    /**
     * Watches the colony while a rollout runs: each pod's replacements in order, every cell
     * member's readiness (a member is down after two failed {@code /readyz} in a row or with no
     * pod IP), the most members of one cell down at once, and writes to both cells.
     */
    static final class Watch implements AutoCloseable {
        final List<String> replaced = new CopyOnWriteArrayList<>();
        final Map<String, Integer> maxDown = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> written = new ConcurrentHashMap<>();
        private final Map<String, String> lastUid = new HashMap<>(uids());
        private final Map<String, Integer> failedInRow = new HashMap<>();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private volatile boolean stop;
        private final Thread thread = new Thread(this::run, "rollout-watch");

        Watch() {
            thread.setDaemon(true);
            thread.start();
        }

        private boolean ready(String pod) {
            String ip = fixture.ip(pod);
            if (ip == null) {
                return false;
            }
            try {
                HttpRequest r = HttpRequest.newBuilder(URI.create("http://" + NodePorts.http(ip) + "/readyz"))
                        .timeout(Duration.ofSeconds(3)).GET().build();
                return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        }

        private void run() {
            long n = 0;
            while (!stop) {
                try {
                    observeReplacements();
                    boolean writeRound = n++ % 2 == 0; // a write to each cell every second
                    for (String cellName : List.of("blue-cell", "green-cell")) {
                        Cell c = cell(cellName);
                        List<String> members = c.getStatus().getMembers().stream().map(CellMember::getNode).toList();
                        int down = 0;
                        for (String m : members) {
                            int f = ready(m) ? 0 : failedInRow.getOrDefault(m, 0) + 1;
                            failedInRow.put(m, f);
                            down += f >= 2 ? 1 : 0;
                        }
                        maxDown.merge(cellName, down, Math::max);
                        if (writeRound) {
                            write(cellName, members);
                        }
                    }
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the API server or a node answered badly once: the next round looks again
                }
            }
        }

        private void write(String cellName, List<String> members) {
            List<String> addrs = members.stream().map(fixture::ip).filter(x -> x != null).map(NodePorts::http).toList();
            try {
                Response r = new PhysaliaClient(addrs).put(cellName, "k", "{\"string\":\"v\"}");
                if (r.ok()) {
                    written.computeIfAbsent(cellName, k -> new AtomicLong()).incrementAndGet();
                }
            } catch (Exception e) {
                // counted by its absence
            }
        }

        /** Records each pod whose uid changed since the last look (it was deleted and created again). */
        private synchronized void observeReplacements() {
            uids().forEach((pod, uid) -> {
                String before = lastUid.put(pod, uid);
                if (before != null && !before.equals(uid)) {
                    replaced.add(pod);
                }
            });
        }

        /**
         * Stops watching, after one last look: a round of the watch takes seconds (readiness and
         * writes), so the replacement that ended the test's wait may not have been seen yet.
         */
        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.interrupt();
            thread.join(10_000);
            observeReplacements();
        }
    }

    private static void assertEveryPodRestartedOnceColorByColor(List<String> replaced, Map<String, String> before) {
        assertEquals(before.size(), replaced.size(), "each pod replaced once: " + replaced);
        assertEquals(before.keySet(), new java.util.TreeSet<>(replaced), "every pod replaced: " + replaced);
        int firstRed = replaced.indexOf(replaced.stream().filter(p -> p.contains("-green-")).findFirst().orElseThrow());
        assertTrue(replaced.subList(0, firstRed).stream().allMatch(p -> p.contains("-blue-"))
                && replaced.subList(firstRed, replaced.size()).stream().allMatch(p -> p.contains("-green-")),
                "blue, the first color, rolled before green: " + replaced);
    }

    @Test
    @Order(1)
    void aNewVersionRollsColorByColorOnePodAtATimeAndNoCellLosesItsQuorum() throws Exception {
        Map<String, String> before = uids();
        try (Watch w = new Watch()) {
            setVersion("v2");
            plane.await("Color blue to start rolling", ROLL, () -> color("blue").getStatus().getPhase() == ColorPhase.RollingOut);
            assertEquals(ColorPhase.Stable, color("green").getStatus().getPhase());
            plane.await("the rollout to v2 to complete", ROLL, () -> {
                RolloutStatus r = rollout();
                return r != null && "Complete".equals(r.getPhase()) && "v2".equals(r.getTargetVersion());
            });
            plane.await("every pod to run v2", ROLL, () -> versions().values().stream().allMatch("v2"::equals));
            plane.await("both cells settled", ROLL, () -> settled("blue-cell") && settled("green-cell"));
            w.close();
            assertEveryPodRestartedOnceColorByColor(w.replaced, before);
            assertTrue(w.maxDown.getOrDefault("blue-cell", 9) <= 1 && w.maxDown.getOrDefault("green-cell", 9) <= 1,
                    "at most one member of a cell of 3 down at once: " + w.maxDown);
            assertTrue(w.written.getOrDefault("blue-cell", new AtomicLong()).get() > 0
                    && w.written.getOrDefault("green-cell", new AtomicLong()).get() > 0, "writes went on: " + w.written);
        }
        assertEquals(List.of("blue", "green"), rollout().getColorsDone());
        String metrics = fixture.operator.scrapeMetrics();
        assertTrue(metrics.contains("physalia_operator_cells{colony=\"roll\",color=\"blue\",state=\"ready\",} 1.0")
                && metrics.contains("physalia_operator_rollout_halted{colony=\"roll\",color=\"blue\",} 0.0"), metrics);
        assertEquals(ColorPhase.Stable, color("blue").getStatus().getPhase());
        assertEquals("v2", color("green").getStatus().getVersion());
        Map<String, String> reasons = new TreeMap<>();
        client.v1().events().inNamespace(NS).list().getItems().forEach(e -> reasons.merge(e.getReason(), e.getMessage(), (a, b) -> a));
        assertTrue(reasons.keySet().containsAll(List.of("RolloutStarted", "ColorRolloutStarted", "NodeRestarted", "ColorRolledOut",
                "RolloutComplete")), "Events: " + reasons.keySet());
    }

    @Test
    @Order(2)
    void aVersionThatCrashLoopsHaltsAfterTheFirstColorsFirstPodAndTheFixResumes() {
        Map<String, String> before = uids();
        setVersion("bad");
        plane.await("the rollout to halt", ROLL, () -> rollout() != null && "Halted".equals(rollout().getPhase()));
        RolloutStatus r = rollout();
        assertEquals("blue", r.getHaltedColor());
        assertTrue(r.getHaltReason().contains("on version bad"), r.getHaltReason());
        Map<String, String> after = uids();
        List<String> changed = before.keySet().stream().filter(p -> !before.get(p).equals(after.get(p))).toList();
        assertEquals(List.of(COLONY + "-blue-2"), changed, "only the first pod of the first color was restarted");
        Map<String, String> v = versions();
        assertEquals("bad", v.get(COLONY + "-blue-2"));
        assertTrue(v.entrySet().stream().filter(e -> e.getKey().contains("-green-")).allMatch(e -> e.getValue().equals("v2")),
                "green is untouched: " + v);
        plane.await("Color blue Halted and the Colony Degraded", ROLL, () -> color("blue").getStatus().getPhase() == ColorPhase.Halted
                && fixture.colony().getStatus().getConditions().stream()
                        .anyMatch(c -> "Degraded".equals(c.getType()) && "True".equals(c.getStatus()) && c.getMessage().contains("rollout halted")));
        assertEquals(ColorPhase.Stable, color("green").getStatus().getPhase());
        String metrics = fixture.operator.scrapeMetrics();
        assertTrue(metrics.contains("physalia_operator_rollout_halted{colony=\"roll\",color=\"blue\",} 1.0")
                && metrics.contains("physalia_operator_rollout_halted{colony=\"roll\",color=\"green\",} 0.0"), metrics);

        setVersion("v2"); // the fix: back to the good version
        plane.await("the rollout back to v2 to complete", ROLL, () -> "Complete".equals(rollout().getPhase())
                && "v2".equals(rollout().getTargetVersion()));
        plane.await("every pod on v2 again", ROLL, () -> versions().values().stream().allMatch("v2"::equals));
        plane.await("both cells settled", ROLL, () -> settled("blue-cell") && settled("green-cell"));
        assertEquals(ColorPhase.Stable, color("blue").getStatus().getPhase());
    }

    @Test
    @Order(3)
    void anOperatorKilledMidRolloutResumesWithoutRestartingAPodTwice() throws Exception {
        Map<String, String> before = uids();
        try (Watch w = new Watch()) {
            setVersion("v3");
            plane.await("the second pod of blue to be recorded as restarting", ROLL, () -> {
                RolloutStatus r = rollout();
                return r != null && r.getRestarting() != null && r.getRestarting().getPod().equals(COLONY + "-blue-1");
            });
            fixture.stopOperator();
            Thread.sleep(3000);
            fixture.startOperator();
            plane.await("the rollout to v3 to complete", ROLL, () -> {
                RolloutStatus r = rollout();
                return r != null && "Complete".equals(r.getPhase()) && "v3".equals(r.getTargetVersion());
            });
            plane.await("every pod to run v3", ROLL, () -> versions().values().stream().allMatch("v3"::equals));
            w.close();
            assertEveryPodRestartedOnceColorByColor(w.replaced, before);
            assertTrue(w.maxDown.getOrDefault("blue-cell", 9) <= 1 && w.maxDown.getOrDefault("green-cell", 9) <= 1, "" + w.maxDown);
        }
        plane.await("both cells settled", ROLL, () -> settled("blue-cell") && settled("green-cell"));
    }

    @Test
    @Order(4)
    void drainingTwoNodesAtOnceEvictsOnePodAtATimeAndNoCellLosesItsQuorum() throws Exception {
        List<String> drained = new ArrayList<>();
        for (String pod : List.of(COLONY + "-blue-0", COLONY + "-blue-1")) {
            drained.add(client.pods().inNamespace(NS).withName(pod).get().getSpec().getNodeName());
        }
        plane.await("the blue budget to allow one eviction", ROLL, () -> client.policy().v1().podDisruptionBudget().inNamespace(NS)
                .withName(COLONY + "-blue").get().getSpec().getMaxUnavailable().getIntVal() == 1);
        Map<String, String> before = uids();
        try (Watch w = new Watch()) {
            List<String> args = new ArrayList<>(List.of("drain"));
            args.addAll(drained);
            args.addAll(List.of("--ignore-daemonsets", "--delete-emptydir-data", "--timeout=200s"));
            Kubectl.Result r = plane.kubectl(args.toArray(String[]::new));
            assertTrue(r.ok(), r.output());
            System.out.println("kubectl drain " + drained + ":\n" + r.output()); // the evictions the budget refused show here
            plane.await("both blue pods running elsewhere, and both cells settled", ROLL, () -> {
                for (String pod : List.of(COLONY + "-blue-0", COLONY + "-blue-1")) {
                    Pod p = client.pods().inNamespace(NS).withName(pod).get();
                    if (p == null || p.getSpec().getNodeName() == null || drained.contains(p.getSpec().getNodeName())
                            || !fixture.runner.running(NS, pod)) {
                        return false;
                    }
                }
                return settled("blue-cell") && settled("green-cell");
            });
            w.close();
            assertEquals(List.of(COLONY + "-blue-0", COLONY + "-blue-1"), w.replaced.stream().sorted().toList(),
                    "the two drained pods were evicted once each: " + w.replaced);
            assertTrue(w.maxDown.getOrDefault("blue-cell", 9) <= 1, "at most one member of blue-cell down at once: " + w.maxDown);
            assertTrue(w.written.getOrDefault("blue-cell", new AtomicLong()).get() > 0, "writes went on: " + w.written);
        } finally {
            for (String n : drained) {
                plane.kubectl("uncordon", n);
            }
        }
        Map<String, String> after = uids();
        assertTrue(before.keySet().stream().filter(p -> p.contains("-green-")).allMatch(p -> before.get(p).equals(after.get(p))),
                "green untouched");
    }

    @Test
    @Order(5)
    void aDeletedKubernetesNodeGetsItsPodRescheduledAndTheCellWhole() throws Exception {
        String pod = COLONY + "-green-0";
        String node = client.pods().inNamespace(NS).withName(pod).get().getSpec().getNodeName();
        String uid = client.pods().inNamespace(NS).withName(pod).get().getMetadata().getUid();
        client.nodes().withName(node).delete();
        plane.await("the node's process to stop", ROLL, () -> !fixture.runner.running(NS, pod)
                || !fixture.runner.uid(NS, pod).orElse("").equals(uid));
        plane.await("pod " + pod + " recreated on another node, running, and green-cell whole again", Duration.ofMinutes(5), () -> {
            Pod p = client.pods().inNamespace(NS).withName(pod).get();
            return p != null && !p.getMetadata().getUid().equals(uid) && p.getSpec().getNodeName() != null
                    && !p.getSpec().getNodeName().equals(node) && fixture.runner.running(NS, pod) && settled("green-cell");
        });
        Response r = new PhysaliaClient(cell("green-cell").getStatus().getMembers().stream().map(CellMember::getNode)
                .map(fixture::ip).filter(x -> x != null).map(NodePorts::http).toList()).get("green-cell", "k", "linearizable");
        assertTrue(r.ok() && r.body().contains("v"), r.body());
    }

    private static String leaseHolder() {
        var lease = client.leases().inNamespace(NS).withName(io.physalia.operator.PhysaliaOperator.LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static void applyCell(String name) {
        Cell c = new Cell();
        c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        CellSpec spec = new CellSpec();
        spec.setColor("blue");
        spec.setSize(3);
        c.setSpec(spec);
        client.resource(c).create();
    }

    @Test
    @Order(6)
    void ofTwoOperatorsOnlyTheLeaseHolderActsAndTheOtherTakesOverWhenItGoes() {
        fixture.stopOperator();
        java.util.concurrent.atomic.AtomicBoolean lostA = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean lostB = new java.util.concurrent.atomic.AtomicBoolean();
        var a = new io.physalia.operator.PhysaliaOperator(client, NS,
                java.util.Optional.of(new io.physalia.operator.PhysaliaOperator.Election("operator-a", () -> lostA.set(true))));
        a.start();
        plane.await("operator-a to hold the Lease", ROLL, () -> "operator-a".equals(leaseHolder()));
        var b = new io.physalia.operator.PhysaliaOperator(client, NS,
                java.util.Optional.of(new io.physalia.operator.PhysaliaOperator.Election("operator-b", () -> lostB.set(true))));
        b.start();
        fixture.operator = b; // closed with the fixture, whatever happens below
        applyCell("ha-1");
        plane.await("Cell ha-1 settled, placed by operator-a", ROLL, () -> settled("ha-1"));
        assertEquals("operator-a", leaseHolder());
        assertTrue(a.scrapeMetrics().contains("colony=\"roll\""), "operator-a runs the colony");
        assertTrue(!b.scrapeMetrics().contains("colony=\"roll\""), "operator-b, not leading, runs nothing:\n" + b.scrapeMetrics());

        a.close();
        plane.await("operator-b to take the Lease", ROLL, () -> "operator-b".equals(leaseHolder()));
        applyCell("ha-2");
        plane.await("Cell ha-2 settled, placed by operator-b", ROLL, () -> settled("ha-2") && settled("ha-1"));
        assertTrue(b.scrapeMetrics().contains("colony=\"roll\""));
        assertTrue(!lostA.get() && !lostB.get(), "closing is not losing the Lease");
    }
}
