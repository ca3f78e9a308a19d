package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.crds.Cell;
import io.physalia.crds.CellDefaults;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonySpec;
import io.physalia.operator.Names;
import io.physalia.operator.PhysaliaOperator;
import io.physalia.topology.NodeTopology;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A colony for operator tests and benchmarks: a namespace, 42 fake Kubernetes nodes of its own
 * (2 rows of 7 racks, 3 nodes a rack, power domains over 2 or 3 racks of a row; the Colony's
 * nodeSelector keeps its pods on them), the pod runner starting a real node process for every
 * node pod, the operator in this JVM, and a Colony of 2 colors x 14 pods, Ready.
 */
final class OperatorColony implements AutoCloseable {
    static final String IMAGE = "physalia-node";
    static final List<String> COLORS = List.of("blue", "green");
    static final int PER_COLOR = 14;
    /** 28 JVMs starting at once on 2 cores. */
    static final Duration START = Duration.ofMinutes(5);

    final ControlPlane plane;
    final KubernetesClient client;
    final String namespace;
    final String name;
    final PodRunner runner;
    PhysaliaOperator operator;

    private OperatorColony(ControlPlane plane, String namespace, String name, PodRunner runner, PhysaliaOperator operator) {
        this.plane = plane;
        this.client = plane.client();
        this.namespace = namespace;
        this.name = name;
        this.runner = runner;
        this.operator = operator;
    }

    /** The fake datacenter and the colony's size: rows of racks of Kubernetes nodes, and node pods per color. */
    record Shape(int rows, int racks, int nodesPerRack, int perColor, int powerDomainsPerRow) {
        /** 2 rows of 7 racks of 3 nodes (42), power domains over 2 racks (4 a row), 14 pods per color: cells of 7 in either row. */
        static final Shape FULL = new Shape(2, 7, 3, PER_COLOR, 4);
    }

    /** Starts it all and waits until the Colony is Ready; {@code capacityPerNode} null keeps the default. */
    static OperatorColony start(ControlPlane plane, String namespace, String name, Integer capacityPerNode) {
        return start(plane, namespace, name, Shape.FULL, spec -> {
            if (capacityPerNode != null) {
                CellDefaults d = new CellDefaults();
                d.setCapacityPerNode(capacityPerNode);
                spec.setCellDefaults(d);
            }
        });
    }

    /** Starts a colony of the given shape, its spec adjusted by {@code customize}, and waits until it is Ready. */
    static OperatorColony start(ControlPlane plane, String namespace, String name, Shape shape,
            java.util.function.Consumer<ColonySpec> customize) {
        KubernetesClient client = plane.client();
        Crds.install(plane);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        for (int row = 1; row <= shape.rows(); row++) {
            for (int rack = 1; rack <= shape.racks(); rack++) {
                for (int n = 1; n <= shape.nodesPerRack(); n++) {
                    plane.addFakeNode(new NodeTopology(namespace + "-r" + row + "-k" + rack + "-n" + n, "zone-a", "r" + row,
                            "r" + row + "-k" + rack, "r" + row + "-pw" + (rack % shape.powerDomainsPerRow())), Map.of(FakeFleet.POOL, namespace));
                }
            }
        }
        PodRunner runner = PodRunner.start(client, namespace, Names.APP_LABEL + "=" + Names.APP);
        runner.image(IMAGE + ":v1", ImageLaunch.physaliaNode());
        PhysaliaOperator operator = new PhysaliaOperator(client, namespace, false);
        operator.start();
        OperatorColony colony = new OperatorColony(plane, namespace, name, runner, operator);

        Colony c = new Colony();
        c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        ColonySpec spec = new ColonySpec();
        spec.setImage(IMAGE);
        spec.setVersion("v1");
        spec.setColors(COLORS);
        spec.setNodesPerColor(shape.perColor());
        spec.setNodeSelector(Map.of(FakeFleet.POOL, namespace)); // this fleet's fake nodes, not the other tests'
        customize.accept(spec);
        c.setSpec(spec);
        client.resource(c).create();
        for (int i = 0; i < shape.perColor(); i++) {
            for (String color : COLORS) {
                String pod = name + "-" + color + "-" + i;
                plane.await("pod " + pod + " to get an IP", START, () -> colony.ip(pod) != null);
                runner.awaitRunning(namespace, pod, START);
            }
        }
        plane.await("Colony " + name + " to be Ready", START, () -> {
            Colony now = colony.colony();
            return now.getStatus() != null && now.getStatus().getConditions().stream()
                    .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
        });
        return colony;
    }

    Colony colony() {
        return client.resources(Colony.class).inNamespace(namespace).withName(name).get();
    }

    Cell cell(String name) {
        return client.resources(Cell.class).inNamespace(namespace).withName(name).get();
    }

    /** Ready with every member caught up, and not in the middle of an action. */
    boolean settled(String name) {
        Cell c = cell(name);
        return c != null && c.getStatus() != null && c.getStatus().getAction() == null && c.getStatus().getConditions().stream()
                .filter(x -> "True".equals(x.getStatus())).map(x -> x.getType()).toList().containsAll(List.of("Ready", "FullReplication"));
    }

    /** The nodes the cell's status lists as its members. */
    List<String> members(String cell) {
        return cell(cell).getStatus().getMembers().stream().map(io.physalia.crds.CellMember::getNode).toList();
    }

    String ip(String pod) {
        Pod p = client.pods().inNamespace(namespace).withName(pod).get();
        return p == null || p.getStatus() == null ? null : p.getStatus().getPodIP();
    }

    /** Stops the operator, as if its pod were killed: nothing in its memory survives. */
    void stopOperator() {
        operator.close();
    }

    /** Starts a new operator, which knows only what the cluster holds. */
    void startOperator() {
        operator = new PhysaliaOperator(client, namespace, false);
        operator.start();
    }

    @Override
    public void close() {
        try {
            operator.close();
        } finally {
            runner.close();
        }
    }
}
