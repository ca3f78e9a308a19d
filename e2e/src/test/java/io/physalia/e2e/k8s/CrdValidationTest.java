package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.physalia.crds.Cell;
import io.physalia.crds.CellSpec;
import io.physalia.crds.ClientLocation;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonyRateLimits;
import io.physalia.crds.ColonySpec;
import io.physalia.crds.Color;
import io.physalia.crds.ColorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The generated CRDs ({@code crds/*.yml}, applied as {@code kubectl apply -f crds/}) on a real API
 * server: it rejects what the schema and its CEL rules forbid, with a message naming the field,
 * accepts good resources, fills the Colony's defaults and prints the columns {@code kubectl get}
 * promises. The admission policy of {@code crds/policy/} (a Cell's color must be one of its
 * Colony's) is checked here too.
 */
@ExtendWith(ControlPlaneExtension.class)
class CrdValidationTest {
    static final String NAMESPACE = "crd-validation";

    static ControlPlane plane;
    static KubernetesClient client;

    @BeforeAll
    static void installCrds(ControlPlane controlPlane) {
        plane = controlPlane;
        client = controlPlane.client();
        Kubectl.Result applied = Crds.install(plane);
        for (String crd : Crds.NAMES) {
            assertTrue(applied.output().contains(crd), "kubectl apply -f crds/ must create or keep " + crd + ":\n" + applied.output());
        }
        if (client.namespaces().withName(NAMESPACE).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                    .create();
        }
        // Established says the API is served; the discovery and the typed endpoint follow shortly.
        plane.await("the Cell endpoint to serve", Duration.ofSeconds(30),
                () -> cells().list().getItems() != null);
    }

    // ---- Cell ----

    @Test
    void cellWithEvenSizeIsRejected() {
        Cell cell = cell("even-size", null, 4);
        assertRejected(cell, "spec.size", "spec.size must be odd (3, 5, ... 15)");
    }

    @Test
    void cellLargerThanFifteenIsRejected() {
        assertRejected(cell("size-seventeen", null, 17), "spec.size", "less than or equal to 15");
    }

    @Test
    void cellSmallerThanThreeIsRejected() {
        assertRejected(cell("size-one", null, 1), "spec.size", "greater than or equal to 3");
    }

    @Test
    void cellColorCannotChangeOrGoAwayOnceSet() {
        Cell cell = cell("fixed-color", "blue", null);
        cells().resource(cell).create();
        KubernetesClientException changed = assertThrows(KubernetesClientException.class,
                () -> cells().withName("fixed-color").edit(c -> {
                    c.getSpec().setColor("green");
                    return c;
                }));
        assertInvalid(changed, "spec.color is immutable once set");
        KubernetesClientException removed = assertThrows(KubernetesClientException.class,
                () -> cells().withName("fixed-color").edit(c -> {
                    c.getSpec().setColor(null);
                    return c;
                }));
        assertInvalid(removed, "spec.color is immutable once set");
        assertEquals("blue", cells().withName("fixed-color").get().getSpec().getColor());
    }

    @Test
    void cellColorMaySetOnceWhenAbsent() {
        cells().resource(cell("color-later", null, null)).create();
        Cell updated = cells().withName("color-later").edit(c -> {
            c.getSpec().setColor("blue");
            return c;
        });
        assertEquals("blue", updated.getSpec().getColor());
    }

    @Test
    void cellNameOverOneHundredTwentyEightCharactersIsRejected() {
        String name = "c".repeat(129); // a valid Kubernetes name (up to 253) but not a valid cell name
        assertRejected(cell(name, null, null), "metadata.name must be at most 128 characters");
        String longest = "c".repeat(128);
        cells().resource(cell(longest, null, null)).create();
        assertEquals(longest, cells().withName(longest).get().getMetadata().getName());
    }

    @Test
    void malformedClientRackIsRejected() {
        Cell cell = cell("bad-rack", null, null);
        ClientLocation location = new ClientLocation();
        location.setRow("row-1");
        location.setRack("rack 1!");
        cell.getSpec().setClientLocations(List.of(location));
        assertRejected(cell, "spec.clientLocations[0].rack", "should match");
    }

    @Test
    void clientLocationWithoutRackIsRejected() {
        Cell cell = cell("no-rack", null, null);
        ClientLocation location = new ClientLocation();
        location.setZone("zone-a");
        cell.getSpec().setClientLocations(List.of(location));
        assertRejected(cell, "spec.clientLocations[0].rack", "Required value");
    }

    @Test
    void goodCellIsAcceptedAndKeepsSizeAbsent() {
        Cell cell = cell("orders-1", null, null);
        ClientLocation location = new ClientLocation();
        location.setZone("zone-a");
        location.setRow("row-1");
        location.setRack("rack-1.a_b");
        cell.getSpec().setClientLocations(List.of(location));
        cells().resource(cell).create();
        Cell stored = cells().withName("orders-1").get();
        // No default for spec.size: absent means "the Colony's cellDefaults.size", now and later.
        assertNull(stored.getSpec().getSize(), "spec.size must stay absent");
        assertNull(stored.getSpec().getColor(), "spec.color must stay absent until the operator picks one");
        assertEquals("rack-1.a_b", stored.getSpec().getClientLocations().get(0).getRack());
        Cell sized = cell("orders-2", "green", 5);
        cells().resource(sized).create();
        assertEquals(5, cells().withName("orders-2").get().getSpec().getSize());
    }

    @Test
    void kubectlGetCellsPrintsTheColumns() {
        cells().resource(cell("printed", null, null)).createOr(existing -> existing.update());
        Kubectl.Result get = plane.kubectl("get", "cells", "-n", NAMESPACE);
        assertTrue(get.ok(), get.output());
        List<String> header = Arrays.asList(get.output().lines().findFirst().orElse("").trim().split("\\s+"));
        assertEquals(List.of("NAME", "COLOR", "ROW", "MEMBERS", "LEADER", "READY", "AGE"), header, get.output());
        Kubectl.Result shortName = plane.kubectl("get", "pcell", "printed", "-n", NAMESPACE, "-o", "name");
        assertEquals("cell.physalia.io/printed", shortName.output().trim(), shortName.output());
        Kubectl.Result category = plane.kubectl("get", "physalia", "-n", NAMESPACE, "-o", "name");
        assertTrue(category.ok() && category.output().contains("cell.physalia.io/printed"),
                "the physalia category must list cells:\n" + category.output());
    }

    // ---- Colony ----

    @Test
    void colonyWithNegativeRateIsRejected() {
        Colony burst = colony("negative-burst", List.of("blue"));
        burst.getSpec().setRateLimits(new ColonyRateLimits());
        burst.getSpec().getRateLimits().setGlobalBurst(-1);
        assertRejected(burst, "spec.rateLimits.globalBurst", "greater than or equal to 1");
        Colony refill = colony("negative-refill", List.of("blue"));
        refill.getSpec().setRateLimits(new ColonyRateLimits());
        refill.getSpec().getRateLimits().setColorRefillMillis(-3000L);
        assertRejected(refill, "spec.rateLimits.colorRefillMillis", "greater than or equal to 1");
    }

    @Test
    void colonyWithInvalidColorNameIsRejected() {
        assertRejected(colony("bad-color", List.of("blue", "Green_2")), "spec.colors[1]", "should match");
    }

    @Test
    void colonyWithDuplicateColorsIsRejected() {
        assertRejected(colony("twice", List.of("blue", "green", "blue")), "spec.colors must not list a color twice");
    }

    @Test
    void colonyWithoutColorsIsRejected() {
        assertRejected(colony("no-colors", List.of()), "spec.colors", "at least 1 items");
    }

    @Test
    void colonyNodeSettingsTakeOnlyTheSettingsTheOperatorLeavesToThem() {
        Colony sync = colony("node-sync", List.of("blue"));
        sync.getSpec().setNodeSettings(java.util.Map.of("sync", "false"));
        assertRejected(sync, "spec.nodeSettings may set only log-segment-bytes and checkpoint-log-bytes");
        Colony notBytes = colony("node-lots", List.of("blue"));
        notBytes.getSpec().setNodeSettings(java.util.Map.of("log-segment-bytes", "lots"));
        assertRejected(notBytes, "spec.nodeSettings.log-segment-bytes", "should match");
        String sizes = "spec.nodeSettings: log-segment-bytes must be from 4k to 1g, and checkpoint-log-bytes at least log-segment-bytes";
        Colony checkpointBelowSegment = colony("node-cp-small", List.of("blue"));
        checkpointBelowSegment.getSpec().setNodeSettings(java.util.Map.of("log-segment-bytes", "64m", "checkpoint-log-bytes", "32m"));
        assertRejected(checkpointBelowSegment, sizes);
        Colony belowDefaultSegment = colony("node-cp-default", List.of("blue"));
        belowDefaultSegment.getSpec().setNodeSettings(java.util.Map.of("checkpoint-log-bytes", "16M")); // the segment stays 32m
        assertRejected(belowDefaultSegment, sizes);
        Colony tinySegment = colony("node-seg-tiny", List.of("blue"));
        tinySegment.getSpec().setNodeSettings(java.util.Map.of("log-segment-bytes", "1k"));
        assertRejected(tinySegment, sizes);
        Colony hugeCheckpoint = colony("node-cp-huge", List.of("blue"));
        hugeCheckpoint.getSpec().setNodeSettings(java.util.Map.of("checkpoint-log-bytes", "999999999999g"));
        assertRejected(hugeCheckpoint, sizes);
        Colony good = colony("node-settings", List.of("blue"));
        good.getSpec().setNodeSettings(java.util.Map.of("log-segment-bytes", "16m", "checkpoint-log-bytes", "256m"));
        colonies().resource(good).create();
        assertEquals("16m", colonies().withName("node-settings").get().getSpec().getNodeSettings().get("log-segment-bytes"));
    }

    @Test
    void goodColonyIsAcceptedWithDefaultsFilled() {
        colonies().resource(colony("defaults", List.of("blue", "green", "red"))).create();
        ColonySpec spec = colonies().withName("defaults").get().getSpec();
        assertEquals(7, spec.getNodesPerColor());
        assertEquals(7, spec.getCellDefaults().getSize());
        assertEquals(1000, spec.getCellDefaults().getCapacityPerNode());
        assertEquals(10, spec.getRateLimits().getGlobalBurst());
        assertEquals(1000L, spec.getRateLimits().getGlobalRefillMillis());
        assertEquals(4, spec.getRateLimits().getColorBurst());
        assertEquals(3000L, spec.getRateLimits().getColorRefillMillis());
        assertEquals(60, spec.getRollout().getValidationWindowSeconds());
        assertEquals(1, spec.getRollout().getMaxErrorRatePercent());
        assertEquals(50, spec.getRollout().getMaxLatencyRegressionPercent());
        assertEquals(0, spec.getRollout().getPauseBetweenColorsSeconds());
        assertFalse(spec.getPaused());
        Kubectl.Result get = plane.kubectl("get", "pcolony", "defaults", "-n", NAMESPACE);
        assertTrue(get.ok(), get.output());
        List<String> header = Arrays.asList(get.output().lines().findFirst().orElse("").trim().split("\\s+"));
        assertEquals(List.of("NAME", "VERSION", "COLORS", "CELLS", "READY", "PAUSED", "AGE"), header, get.output());
    }

    // ---- Color ----

    @Test
    void colorIdentityCannotChange() {
        colors().resource(color("prod-blue", "prod", "blue", 7)).create();
        KubernetesClientException recolored = assertThrows(KubernetesClientException.class,
                () -> colors().withName("prod-blue").edit(c -> {
                    c.getSpec().setColor("green");
                    return c;
                }));
        assertInvalid(recolored, "spec.color is immutable");
        KubernetesClientException moved = assertThrows(KubernetesClientException.class,
                () -> colors().withName("prod-blue").edit(c -> {
                    c.getSpec().setColony("staging");
                    return c;
                }));
        assertInvalid(moved, "spec.colony is immutable");
        Color replicas = colors().withName("prod-blue").edit(c -> {
            c.getSpec().setReplicas(9);
            return c;
        });
        assertEquals(9, replicas.getSpec().getReplicas(), "replicas may change");
    }

    @Test
    void colorScalesThroughTheScaleSubresource() {
        colors().resource(color("scale-green", "scale", "green", 3)).create();
        Kubectl.Result scaled = plane.kubectl("scale", "pcolor/scale-green", "-n", NAMESPACE, "--replicas=5");
        assertTrue(scaled.ok(), scaled.output());
        assertEquals(5, colors().withName("scale-green").get().getSpec().getReplicas());
        Kubectl.Result tooMany = plane.kubectl("scale", "pcolor/scale-green", "-n", NAMESPACE, "--replicas=1001");
        assertFalse(tooMany.ok(), "the schema bounds spec.replicas through scale too:\n" + tooMany.output());
        assertTrue(tooMany.output().contains("spec.replicas"), tooMany.output());
    }

    @Test
    void colorWithoutReplicasIsRejected() {
        assertRejected(color("no-replicas", "prod", "red", null), "spec.replicas", "Required value");
    }

    // ---- the admission policy of crds/policy/ ----

    /**
     * A Cell's color must be one of its Colony's: the CRD schema cannot see the Colony, the
     * ValidatingAdmissionPolicy (paramKind Colony) can. In its own namespace, and removed afterwards,
     * since it applies to every namespace.
     */
    @Test
    void cellColorMustBeOneOfItsColonysColors() {
        String ns = "crd-policy";
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .createOr(existing -> existing.update());
        Path policy = Crds.DIR.resolve("policy");
        Kubectl.Result applied = plane.kubectl("apply", "-f", policy.toString());
        assertTrue(applied.ok(), applied.output());
        try {
            Colony prod = colony("prod", List.of("blue", "green"));
            client.resource(in(ns, prod)).create();
            Cell stray = in(ns, cell("stray", "purple", null));
            // The policy takes effect once the API server's informers have it and the Colony.
            plane.await("the policy to reject a Cell of an unknown color", Duration.ofSeconds(30), () -> {
                try {
                    client.resource(stray).create();
                    client.resource(stray).withGracePeriod(0).delete();
                    return false;
                } catch (KubernetesClientException rejected) {
                    return rejected.getCode() == 422;
                }
            });
            KubernetesClientException e = assertThrows(KubernetesClientException.class,
                    () -> client.resource(stray).create());
            assertInvalid(e, "spec.color purple is not one of the colors of Colony prod (spec.colors: blue, green)");

            client.resource(in(ns, cell("blue-cell", "blue", null))).create();
            client.resource(in(ns, cell("any-color", null, null))).create();
            KubernetesClientException updated = assertThrows(KubernetesClientException.class,
                    () -> client.resources(Cell.class).inNamespace(ns).withName("any-color").edit(c -> {
                        c.getSpec().setColor("purple");
                        return c;
                    }));
            assertInvalid(updated, "spec.color purple is not one of the colors of Colony prod");
            // A Cell of another colony is checked against that colony only (here: none, so allowed).
            Cell other = in(ns, cell("other-colony", "purple", null));
            other.getSpec().setColony("staging");
            client.resource(other).create();
        } finally {
            Kubectl.Result deleted = plane.kubectl("delete", "-f", policy.toString(), "--ignore-not-found");
            assertTrue(deleted.ok(), deleted.output());
        }
    }

    // ---- helpers ----

    static NonNamespaceOperation<Cell, KubernetesResourceList<Cell>, Resource<Cell>> cells() {
        return client.resources(Cell.class).inNamespace(NAMESPACE);
    }

    static NonNamespaceOperation<Colony, KubernetesResourceList<Colony>, Resource<Colony>> colonies() {
        return client.resources(Colony.class).inNamespace(NAMESPACE);
    }

    static NonNamespaceOperation<Color, KubernetesResourceList<Color>, Resource<Color>> colors() {
        return client.resources(Color.class).inNamespace(NAMESPACE);
    }

    static Cell cell(String name, String color, Integer size) {
        Cell cell = new Cell();
        cell.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        cell.setSpec(new CellSpec());
        cell.getSpec().setColor(color);
        cell.getSpec().setSize(size);
        return cell;
    }

    static Colony colony(String name, List<String> colors) {
        Colony colony = new Colony();
        colony.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        colony.setSpec(new ColonySpec());
        colony.getSpec().setImage("registry.local/physalia-node:0.1.0");
        colony.getSpec().setVersion("0.1.0");
        colony.getSpec().setColors(colors);
        return colony;
    }

    static Color color(String name, String colony, String colorName, Integer replicas) {
        Color color = new Color();
        color.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
        color.setSpec(new ColorSpec());
        color.getSpec().setColony(colony);
        color.getSpec().setColor(colorName);
        color.getSpec().setReplicas(replicas);
        return color;
    }

    /** Moves a resource built by the helpers (in {@link #NAMESPACE}) to {@code namespace}. */
    static <T extends HasMetadata> T in(String namespace, T resource) {
        resource.getMetadata().setNamespace(namespace);
        return resource;
    }

    /** The server refuses to create {@code resource} as Invalid, with every fragment in its message. */
    static void assertRejected(HasMetadata resource, String... fragments) {
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
                () -> client.resource(resource).inNamespace(NAMESPACE).create(),
                "the server must reject " + resource.getKind() + " " + resource.getMetadata().getName());
        assertInvalid(e, fragments);
        assertNull(client.resource(resource).inNamespace(NAMESPACE).get(), "a rejected resource must not exist");
    }

    static void assertInvalid(KubernetesClientException e, String... fragments) {
        assertEquals(422, e.getCode(), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "expected \"" + fragment + "\" in: " + e.getMessage());
        }
    }
}
