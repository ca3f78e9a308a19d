package io.physalia.crds;

import static io.physalia.crds.CrdFiles.at;
import static io.physalia.crds.CrdFiles.load;
import static io.physalia.crds.CrdFiles.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceScale;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed CRDs carry the names, columns, subresources, bounds and rules the operator and users rely on. */
class CrdYamlContentTest {

    @ParameterizedTest
    @ValueSource(strings = {"colonies", "colors", "cells"})
    void namespacedInGroupWithCategoryAndStatusSubresource(String plural) {
        CustomResourceDefinition crd = load(plural);
        assertEquals(plural + ".physalia.io", crd.getMetadata().getName());
        assertEquals("physalia.io", crd.getSpec().getGroup());
        assertEquals("Namespaced", crd.getSpec().getScope());
        assertEquals(List.of("physalia"), crd.getSpec().getNames().getCategories());
        CustomResourceDefinitionVersion version = only(crd);
        assertEquals("v1alpha1", version.getName());
        assertTrue(version.getServed() && version.getStorage());
        assertNotNull(version.getSubresources().getStatus(), plural + " must have a status subresource");
    }

    @Test
    void shortNames() {
        assertEquals(List.of("pcolony"), load("colonies").getSpec().getNames().getShortNames());
        assertEquals(List.of("pcolor"), load("colors").getSpec().getNames().getShortNames());
        assertEquals(List.of("pcell"), load("cells").getSpec().getNames().getShortNames());
    }

    @Test
    void printerColumnsInOrder() {
        assertEquals(List.of("Version", "Colors", "Cells", "Ready", "Paused", "Age"), columnNames("colonies"));
        assertEquals(List.of("Color", "Version", "Ready", "Phase", "Paused", "Age"), columnNames("colors"));
        assertEquals(List.of("Color", "Row", "Members", "Leader", "Ready", "Age"), columnNames("cells"));
        List<CustomResourceColumnDefinition> cells = only(load("cells")).getAdditionalPrinterColumns();
        assertEquals(List.of(".status.color", ".status.row", ".status.membersReady", ".status.leader",
                        ".status.conditions[?(@.type==\"Ready\")].status", ".metadata.creationTimestamp"),
                cells.stream().map(CustomResourceColumnDefinition::getJsonPath).toList());
        assertEquals("date", cells.get(5).getType());
    }

    @Test
    void colorHasScaleSubresource() {
        CustomResourceSubresourceScale scale = only(load("colors")).getSubresources().getScale();
        assertNotNull(scale, "Color must have a scale subresource");
        assertEquals(".spec.replicas", scale.getSpecReplicasPath());
        assertEquals(".status.replicas", scale.getStatusReplicasPath());
        assertEquals(".status.selector", scale.getLabelSelectorPath());
    }

    @Test
    void colonySpecRequiredFieldsBoundsAndDefaults() {
        CustomResourceDefinition crd = load("colonies");
        assertEquals(List.of("spec"), schema(crd).getRequired());
        assertEquals(List.of("colors", "image", "version"), at(crd, "spec").getRequired().stream().sorted().toList());
        assertEquals(1L, at(crd, "spec.image").getMinLength());
        assertEquals(Patterns.VERSION, at(crd, "spec.version").getPattern());
        JSONSchemaProps colors = at(crd, "spec.colors");
        assertEquals(1L, colors.getMinItems());
        assertEquals(16L, colors.getMaxItems());
        assertEquals(Patterns.COLOR, colors.getItems().getSchema().getPattern());
        assertEquals(32L, colors.getItems().getSchema().getMaxLength());
        assertRule(colors, "self.all(c, self.exists_one(d, d == c))", "spec.colors");
        assertBoundsAndDefault(crd, "spec.nodesPerColor", 3, 1000, "7");
        assertBoundsAndDefault(crd, "spec.cellDefaults.size", 3, 15, "7");
        assertRule(at(crd, "spec.cellDefaults.size"), "self % 2 == 1", "spec.cellDefaults.size");
        assertBoundsAndDefault(crd, "spec.cellDefaults.capacityPerNode", 1, 1_000_000, "1000");
        assertBoundsAndDefault(crd, "spec.rollout.validationWindowSeconds", 1, 3600, "60");
        assertBoundsAndDefault(crd, "spec.rollout.maxErrorRatePercent", 0, 100, "1");
        assertBoundsAndDefault(crd, "spec.rollout.maxLatencyRegressionPercent", 0, 1000, "50");
        assertBoundsAndDefault(crd, "spec.rollout.pauseBetweenColorsSeconds", 0, 86400, "0");
        assertEquals("false", at(crd, "spec.paused").getDefault().toString());
        assertEquals(1024L, at(crd, "spec.pauseReason").getMaxLength());
        // The nested objects default to {} so that the server fills their fields when they are absent.
        for (String object : List.of("spec.cellDefaults", "spec.rateLimits", "spec.rollout")) {
            assertEquals("{}", at(crd, object).getDefault().toString(), object + " must default to {}");
        }
    }

    /** The rate limit defaults are controlplane's RateLimits.Config.defaults(): (10, 1000, 4, 3000). */
    @Test
    void rateLimitsHaveAMinimumAndControlplanesDefaults() {
        CustomResourceDefinition crd = load("colonies");
        assertMinimumAndDefault(crd, "spec.rateLimits.globalBurst", "10");
        assertMinimumAndDefault(crd, "spec.rateLimits.globalRefillMillis", "1000");
        assertMinimumAndDefault(crd, "spec.rateLimits.colorBurst", "4");
        assertMinimumAndDefault(crd, "spec.rateLimits.colorRefillMillis", "3000");
    }

    @Test
    void colorIdentityIsImmutable() {
        CustomResourceDefinition crd = load("colors");
        assertEquals(List.of("spec"), schema(crd).getRequired());
        assertEquals(List.of("colony", "color", "replicas"), at(crd, "spec").getRequired().stream().sorted().toList());
        assertRule(at(crd, "spec.colony"), "self == oldSelf", "spec.colony");
        assertRule(at(crd, "spec.color"), "self == oldSelf", "spec.color");
        assertEquals(Patterns.COLOR, at(crd, "spec.color").getPattern());
        assertEquals(Patterns.VERSION, at(crd, "spec.version").getPattern());
        assertEquals(0.0, at(crd, "spec.replicas").getMinimum());
        assertEquals(1000.0, at(crd, "spec.replicas").getMaximum());
        assertEquals(List.of("Halted", "RollingOut", "Stable"), at(crd, "status.phase").getEnum().stream()
                .map(n -> n.asText()).sorted().toList());
    }

    @Test
    void cellRules() {
        CustomResourceDefinition crd = load("cells");
        assertTrue(schema(crd).getRequired().isEmpty(), "a Cell with no spec at all is valid: every spec field is optional");
        assertTrue(at(crd, "spec").getRequired().isEmpty(), "every Cell spec field is optional");
        assertRule(schema(crd), "size(self.metadata.name) <= 128", "metadata.name");
        assertRule(at(crd, "spec"), "!has(oldSelf.color) || (has(self.color) && self.color == oldSelf.color)",
                "spec.color is immutable once set");
        JSONSchemaProps size = at(crd, "spec.size");
        assertNull(size.getDefault(), "spec.size stays absent so that the Colony's cellDefaults.size applies");
        assertEquals(3.0, size.getMinimum());
        assertEquals(15.0, size.getMaximum());
        assertRule(size, "self % 2 == 1", "spec.size must be odd");
        JSONSchemaProps locations = at(crd, "spec.clientLocations");
        assertEquals(16L, locations.getMaxItems());
        JSONSchemaProps location = locations.getItems().getSchema();
        assertEquals(List.of("rack"), location.getRequired());
        for (String field : List.of("zone", "row", "rack")) {
            assertEquals(Patterns.LABEL_VALUE, location.getProperties().get(field).getPattern(), field);
        }
        assertEquals(List.of("Degraded", "Pending", "Placed", "Ready", "Unavailable"),
                at(crd, "status.phase").getEnum().stream().map(n -> n.asText()).sorted().toList());
    }

    private static void assertBoundsAndDefault(CustomResourceDefinition crd, String path, long min, long max, String dflt) {
        JSONSchemaProps props = at(crd, path);
        assertEquals((double) min, props.getMinimum(), path + " minimum");
        assertEquals((double) max, props.getMaximum(), path + " maximum");
        assertNotNull(props.getDefault(), path + " default");
        assertEquals(dflt, props.getDefault().toString(), path + " default");
    }

    private static void assertMinimumAndDefault(CustomResourceDefinition crd, String path, String dflt) {
        JSONSchemaProps props = at(crd, path);
        assertEquals(1.0, props.getMinimum(), path + " must reject zero and negative rates");
        assertEquals(dflt, props.getDefault().toString(), path + " default");
    }

    /** The rule is there, and its message names the field it is about. */
    private static void assertRule(JSONSchemaProps props, String rule, String messageMentions) {
        List<ValidationRule> rules = props.getXKubernetesValidations();
        assertNotNull(rules, "no x-kubernetes-validations where " + rule + " belongs");
        ValidationRule found = rules.stream().filter(r -> r.getRule().equals(rule)).findFirst()
                .orElseThrow(() -> new AssertionError("rule " + rule + " missing; have " + rules));
        assertTrue(found.getMessage().contains(messageMentions),
                "the message of " + rule + " must name " + messageMentions + ": " + found.getMessage());
    }

    private static List<String> columnNames(String plural) {
        return only(load(plural)).getAdditionalPrinterColumns().stream().map(CustomResourceColumnDefinition::getName).toList();
    }

    private static CustomResourceDefinitionVersion only(CustomResourceDefinition crd) {
        assertEquals(1, crd.getSpec().getVersions().size());
        return crd.getSpec().getVersions().get(0);
    }
}
