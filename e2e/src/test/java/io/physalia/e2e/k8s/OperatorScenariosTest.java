package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import io.physalia.client.admin.ColonyKeys;
import io.physalia.crds.Cell;
import io.physalia.crds.CellMember;
import io.physalia.crds.CellSpec;
import io.physalia.crds.ClientLocation;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonySpec;
import io.physalia.crds.Color;
import io.physalia.operator.Names;
import io.physalia.operator.NodePorts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operator on a real API server, scheduler and controller manager, with real node processes
 * behind kwok's pods ({@link PodRunner}): a Colony of two colors, 14 node pods each, on 42 fake
 * Kubernetes nodes in two rows of seven racks (three nodes a rack, so every color has one pod per
 * rack and a spare node per rack). The scenarios run in order on the one colony, each asserting
 * its outcome through the resources' status and the nodes themselves.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorScenariosTest {
    static final String NS = "colony-e2e";
    static final String COLONY = "demo";
    static final String IMAGE = OperatorColony.IMAGE;
    static final int PER_COLOR = OperatorColony.PER_COLOR;
    static final Duration START = OperatorColony.START;
    static final Duration SETTLE = Duration.ofMinutes(2);

    static OperatorColony fixture;
    static ControlPlane plane;
    static KubernetesClient client;
    static PodRunner runner;

    @BeforeAll
    static void colony(ControlPlane controlPlane) {
        fixture = OperatorColony.start(controlPlane, NS, COLONY, null);
        plane = controlPlane;
        client = plane.client();
        runner = fixture.runner;
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static Colony colony() {
        return fixture.colony();
    }

    static Cell cell(String name) {
        return client.resources(Cell.class).inNamespace(NS).withName(name).get();
    }

    static String ip(String pod) {
        return fixture.ip(pod);
    }

    static boolean condition(io.fabric8.kubernetes.api.model.HasMetadata r, String type) {
        List<io.fabric8.kubernetes.api.model.Condition> cs = r instanceof Colony c && c.getStatus() != null ? c.getStatus().getConditions()
                : r instanceof Cell cell && cell.getStatus() != null ? cell.getStatus().getConditions() : List.of();
        return cs.stream().anyMatch(x -> type.equals(x.getType()) && "True".equals(x.getStatus()));
    }

    static String reason(Cell c, String type) {
        if (c == null || c.getStatus() == null) {
            return null;
        }
        return c.getStatus().getConditions().stream().filter(x -> type.equals(x.getType())).map(x -> x.getReason()).findFirst().orElse(null);
    }

    static Cell apply(String name, String color, String... racks) {
        Cell c = new Cell();
        c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        CellSpec spec = new CellSpec();
        spec.setColor(color);
        List<ClientLocation> clients = new ArrayList<>();
        for (String rack : racks) {
            ClientLocation l = new ClientLocation();
            l.setRack(rack);
            clients.add(l);
        }
        spec.setClientLocations(clients);
        c.setSpec(spec);
        return client.resource(c).create();
    }

    /** Ready with every member caught up, and not in the middle of an action. */
    static boolean settled(String name) {
        return fixture.settled(name);
    }

    static List<String> members(String name) {
        return fixture.members(name);
    }

    static String rowOf(String pod) {
        Pod p = client.pods().inNamespace(NS).withName(pod).get();
        return client.nodes().withName(p.getSpec().getNodeName()).get().getMetadata().getLabels().get("physalia.io/row");
    }

    static String rackOf(String pod) {
        Pod p = client.pods().inNamespace(NS).withName(pod).get();
        return client.nodes().withName(p.getSpec().getNodeName()).get().getMetadata().getLabels().get("physalia.io/rack");
    }

    static PhysaliaClient clientOf(String cell) {
        return new PhysaliaClient(members(cell).stream().map(m -> NodePorts.http(ip(m))).toList());
    }

    @Test
    @Order(1)
    void aColonyCreatesItsColorsStatefulSetsServicesDisruptionBudgetsAndKeyring() throws Exception {
        Secret keys = client.secrets().inNamespace(NS).withName(Names.keyring(COLONY)).get();
        assertNotNull(keys, "the keyring Secret");
        String text = new String(Base64.getDecoder().decode(keys.getData().get(Names.KEY_FILE_KEY)), StandardCharsets.UTF_8);
        assertEquals(1, ColonyKeys.parse(text, "the keyring Secret").keyring().signingKeyId());
        for (String color : List.of("blue", "green")) {
            String name = Names.color(COLONY, color);
            Color c = client.resources(Color.class).inNamespace(NS).withName(name).get();
            assertEquals(PER_COLOR, c.getSpec().getReplicas());
            assertEquals(COLONY, c.getMetadata().getOwnerReferences().get(0).getName());
            StatefulSet sts = client.apps().statefulSets().inNamespace(NS).withName(name).get();
            assertEquals("OnDelete", sts.getSpec().getUpdateStrategy().getType(), "the operator picks the restart order");
            assertEquals(PER_COLOR, sts.getSpec().getReplicas());
            assertEquals(IMAGE + ":v1", sts.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
            var sc = sts.getSpec().getTemplate().getSpec().getContainers().get(0).getSecurityContext();
            assertTrue(sc.getReadOnlyRootFilesystem() && !sc.getAllowPrivilegeEscalation(), "PSS restricted");
            assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
            Service svc = client.services().inNamespace(NS).withName(name).get();
            assertEquals("None", svc.getSpec().getClusterIP(), "headless");
            // one budget per color; it allows one eviction once the operator sees every node up and caught up
            plane.await("the disruption budget of " + name + " to allow one node down", SETTLE, () -> {
                PodDisruptionBudget pdb = client.policy().v1().podDisruptionBudget().inNamespace(NS).withName(name).get();
                return pdb != null && pdb.getSpec().getMaxUnavailable().getIntVal() == 1;
            });
            // one pod of the color per rack, one node pod per Kubernetes node
            Set<String> racks = new TreeSet<>();
            for (int i = 0; i < PER_COLOR; i++) {
                racks.add(rackOf(COLONY + "-" + color + "-" + i));
            }
            assertEquals(14, racks.size(), color + " pods spread one per rack: " + racks);
            plane.await("Color " + name + " to report its nodes ready", SETTLE, () -> {
                Color now = client.resources(Color.class).inNamespace(NS).withName(name).get();
                return now.getStatus() != null && (PER_COLOR + "/" + PER_COLOR).equals(now.getStatus().getReady());
            });
        }
        List<PodDisruptionBudget> pdbs = client.policy().v1().podDisruptionBudget().inNamespace(NS).list().getItems();
        assertEquals(2, pdbs.size(), "one PDB per color, never per cell");
        Set<String> hosts = client.pods().inNamespace(NS).list().getItems().stream().map(p -> p.getSpec().getNodeName())
                .collect(Collectors.toSet());
        assertEquals(2 * PER_COLOR, hosts.size(), "one node pod per Kubernetes node");
    }

    @Test
    @Order(2)
    void aCellGetsReadyOnSevenRacksOfItsColorInItsClientsRowAndTheClientWritesAndReadsIt() throws Exception {
        apply("orders", "blue", "r1-k3");
        plane.await("Cell orders to be Ready with all members caught up", SETTLE, () -> settled("orders"));
        Cell c = cell("orders");
        assertEquals("blue", c.getStatus().getColor());
        assertEquals("zone-a/r1", c.getStatus().getRow());
        assertEquals("7/7", c.getStatus().getMembersReady());
        List<String> members = members("orders");
        assertEquals(7, members.size());
        Set<String> racks = new TreeSet<>();
        for (String m : members) {
            assertTrue(m.startsWith(COLONY + "-blue-"), m + " is a blue node");
            assertEquals("r1", rowOf(m), m + " is in the clients' row");
            racks.add(rackOf(m));
        }
        assertEquals(7, racks.size(), "one member per rack: " + racks);

        PhysaliaClient pc = clientOf("orders");
        Response put = pc.put("orders", "greeting", "{\"string\":\"hello\"}");
        assertTrue(put.ok(), put.body());
        Response got = pc.get("orders", "greeting", "linearizable");
        assertTrue(got.ok() && got.body().contains("hello"), got.body());
        plane.await("the leader to show in status", SETTLE, () -> cell("orders").getStatus().getLeader() != null);
        assertTrue(members.contains(cell("orders").getStatus().getLeader()));

        Kubectl.Result table = plane.kubectl("get", "cells", "-n", NS);
        assertTrue(table.ok(), table.output());
        String header = table.output().lines().findFirst().orElse("");
        for (String column : List.of("NAME", "COLOR", "ROW", "MEMBERS", "LEADER", "READY", "AGE")) {
            assertTrue(header.contains(column), "kubectl get cells shows " + column + ":\n" + table.output());
        }
        assertTrue(table.output().contains("7/7"), table.output());
        System.out.println("kubectl get cells -n " + NS + "\n" + table.output()); // docs/operator.md shows it
    }

    @Test
    @Order(3)
    void pauseStopsPlacementAndShowsInStatusThenResumeGoesOn() {
        client.resources(Colony.class).inNamespace(NS).withName(COLONY).edit(c -> {
            c.getSpec().setPaused(true);
            c.getSpec().setPauseReason("e2e: investigating");
            return c;
        });
        plane.await("Colony to show Paused", SETTLE, () -> condition(colony(), "Paused"));
        assertEquals("e2e: investigating", colony().getStatus().getPauseReason());
        apply("while-paused", null, "r2-k1");
        plane.await("the paused Cell to say why it waits", SETTLE, () -> "Paused".equals(reason(cell("while-paused"), "Placed")));
        assertTrue(cell("while-paused").getStatus().getMembers().isEmpty(), "nothing is placed while paused");

        client.resources(Colony.class).inNamespace(NS).withName(COLONY).edit(c -> {
            c.getSpec().setPaused(false);
            c.getSpec().setPauseReason(null);
            return c;
        });
        plane.await("Cell while-paused to be placed and Ready after resume", SETTLE, () -> settled("while-paused"));
        assertFalse(condition(colony(), "Paused"));
        assertEquals("zone-a/r2", cell("while-paused").getStatus().getRow());
    }

    @Test
    @Order(4)
    void aNodeThatStaysDownGetsItsCellsRepairedOntoItsColor() throws Exception {
        List<String> before = members("orders");
        String leader = cell("orders").getStatus().getLeader();
        String victim = before.stream().filter(m -> !m.equals(leader)).findFirst().orElseThrow();
        runner.hold(NS, victim); // its process is killed and kept down, as a crash-looping container would be
        try {
            plane.await("Cell orders to be repaired off " + victim, SETTLE, () -> {
                Cell c = cell("orders");
                return !members("orders").contains(victim) && settled("orders");
            });
            List<String> after = members("orders");
            assertEquals(7, after.size());
            for (String m : after) {
                assertTrue(m.startsWith(COLONY + "-blue-"), m + " is of the cell's color");
            }
            assertEquals(6, after.stream().filter(before::contains).count(), "one member replaced: " + before + " -> " + after);
            Response got = clientOf("orders").get("orders", "greeting", "linearizable");
            assertTrue(got.ok() && got.body().contains("hello"), "the write survives the repair: " + got.body());
        } finally {
            runner.release(NS, victim);
        }
        // Back, it holds the replica it had when it went down, a removed member. Either the sweep drops it, or
        // the engine moves the cell home onto it (its clients' row) and the join replaces it with a new incarnation.
        runner.awaitRunning(NS, victim, START);
        plane.await(victim + " to be up (its log recovered)", SETTLE, () -> get(victim, "/healthz").statusCode() == 200);
        plane.await(victim + "'s stale replica of orders to be dropped or replaced", SETTLE, () -> {
            boolean hosts = get(victim, "/cells").body().contains("\"orders\"");
            CellMember m = cell("orders").getStatus().getMembers().stream().filter(x -> victim.equals(x.getNode())).findFirst().orElse(null);
            return settled("orders") && (!hosts || (m != null && m.getIncarnation() != null && m.getIncarnation() > 0));
        });
    }

    static java.net.http.HttpResponse<String> get(String pod, String path) {
        try {
            return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                    .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + NodePorts.http(ip(pod)) + path))
                            .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // not up yet: the wait tries again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(5)
    void changingClientLocationsMovesTheCellOneMemberAtATime() throws Exception {
        client.resources(Cell.class).inNamespace(NS).withName("orders").edit(c -> {
            ClientLocation l = new ClientLocation();
            l.setRack("r2-k5");
            c.getSpec().setClientLocations(new ArrayList<>(List.of(l)));
            return c;
        });
        plane.await("Cell orders to move to row r2", Duration.ofMinutes(4), () -> {
            Cell c = cell("orders");
            return settled("orders") && "zone-a/r2".equals(c.getStatus().getRow())
                    && members("orders").stream().allMatch(m -> "r2".equals(rowOf(m)));
        });
        Response got = clientOf("orders").get("orders", "greeting", "linearizable");
        assertTrue(got.ok() && got.body().contains("hello"), "the write survives the move: " + got.body());
    }

    @Test
    @Order(6)
    void anOperatorStoppedMidMoveIsReplacedByOneThatResumesTheMove() throws Exception {
        client.resources(Cell.class).inNamespace(NS).withName("orders").edit(c -> {
            ClientLocation l = new ClientLocation();
            l.setRack("r1-k2");
            c.getSpec().setClientLocations(new ArrayList<>(List.of(l)));
            return c;
        });
        plane.await("a move of orders to be in flight", SETTLE, () -> cell("orders").getStatus().getAction() != null);
        fixture.stopOperator();
        io.physalia.crds.ActionRecord cut = cell("orders").getStatus().getAction();
        assertNotNull(cut, "the action in flight is recorded in the Cell's status");
        fixture.startOperator();
        plane.await("Cell orders to finish its move to row r1 under the new operator", Duration.ofMinutes(4), () -> {
            Cell c = cell("orders");
            return settled("orders") && "zone-a/r1".equals(c.getStatus().getRow())
                    && members("orders").stream().allMatch(m -> "r1".equals(rowOf(m)));
        });
        List<String> after = members("orders");
        assertEquals(7, new TreeSet<>(after).size(), "seven distinct members: " + after);
        assertTrue(after.contains(cut.getJoining()) && !after.contains(cut.getLeaving()),
                "the action cut short (" + cut.getLeaving() + " -> " + cut.getJoining() + ") was carried out, once: " + after);
        Response got = clientOf("orders").get("orders", "greeting", "linearizable");
        assertTrue(got.ok() && got.body().contains("hello"), "the write survives: " + got.body());
    }

    @Test
    @Order(7)
    void aHundredCellsAppliedAtOnceAllGetReady() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String name = "bulk-" + i;
            names.add(name);
            apply(name, null, (i % 2 == 0 ? "r1-k" : "r2-k") + (1 + i % 7));
        }
        plane.await("100 Cells to be Ready", Duration.ofMinutes(6), () -> {
            Map<String, Boolean> ready = new HashMap<>();
            for (Cell c : client.resources(Cell.class).inNamespace(NS).list().getItems()) {
                ready.put(c.getMetadata().getName(), condition(c, "Ready"));
            }
            return names.stream().allMatch(n -> ready.getOrDefault(n, false));
        });
        Colony c = colony();
        assertTrue(c.getStatus().getCells().getTotal() >= 102, "the Colony counts its cells: " + c.getStatus().getCells().getTotal());
    }

    @Test
    @Order(8)
    void aDeletedCellHasItsReplicasDroppedBeforeItGoes() {
        List<String> members = members("while-paused");
        client.resources(Cell.class).inNamespace(NS).withName("while-paused").delete();
        plane.await("Cell while-paused to be gone", SETTLE, () -> cell("while-paused") == null);
        for (String m : members) {
            assertFalse(get(m, "/cells").body().contains("\"while-paused\""), m + " still hosts the deleted cell");
        }
    }
}
