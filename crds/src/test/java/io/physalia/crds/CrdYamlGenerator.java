package io.physalia.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the CRD YAML from the Java model with Fabric8's CRD generator (crd-generator-api-v2).
 * A program run from a test rather than the crd-generator-maven-plugin: the plugin is not published
 * for this Fabric8 version (7.6.1). {@link CrdYamlUpToDateTest} runs it and compares; to regenerate
 * the committed files:
 *
 * <pre>./mvnw -B -ntp -pl crds verify -Dcrds.regenerate=true</pre>
 */
public final class CrdYamlGenerator {
    /** The files the generator writes, one per resource, named by the generator ({@code <crd name>-v1.yml}). */
    public static final List<String> FILES = List.of(
            "colonies.physalia.io-v1.yml", "colors.physalia.io-v1.yml", "cells.physalia.io-v1.yml");

    private static final List<Class<? extends CustomResource<?, ?>>> RESOURCES = List.of(Colony.class, Color.class, Cell.class);

    private CrdYamlGenerator() {}

    /** Writes the three CRDs into {@code dir}. */
    public static void generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        int written = new CRDGenerator()
                .inOutputDir(dir.toFile())
                .forCRDVersions("v1")
                // One thread: the output must not depend on scheduling.
                .withParallelGenerationEnabled(false)
                .withPostProcessor(new DeclaredColumnOrder())
                .customResourceClasses(RESOURCES.get(0), RESOURCES.get(1), RESOURCES.get(2))
                .generate();
        if (written != FILES.size()) {
            throw new IllegalStateException("expected " + FILES.size() + " CRDs, the generator wrote " + written);
        }
    }

    /**
     * kubectl prints the columns in the CRD's order, and the generator sorts them by name (Age
     * first); this puts them back in the order the model declares them.
     */
    static final class DeclaredColumnOrder implements CRDPostProcessor {
        @Override
        public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
            CustomResourceDefinition definition = (CustomResourceDefinition) crd;
            Class<?> type = RESOURCES.stream()
                    .filter(r -> CustomResource.getCRDName(r).equals(crd.getMetadata().getName()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("unknown CRD " + crd.getMetadata().getName()));
            List<String> declared = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name).toList();
            for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
                List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
                if (columns != null) {
                    columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
                }
            }
            return crd;
        }
    }

    public static void main(String[] args) throws IOException {
        generate(Path.of(args.length > 0 ? args[0] : "."));
    }
}
