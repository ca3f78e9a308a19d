package io.physalia.crds;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds and parses the committed CRD files. */
final class CrdFiles {
    private CrdFiles() {}

    /** The crds module's directory: surefire passes it (and runs there anyway). */
    static Path moduleDir() {
        return Path.of(System.getProperty("crds.dir", "")).toAbsolutePath();
    }

    /** The committed CRD for {@code plural} (e.g. "cells"). */
    static CustomResourceDefinition load(String plural) {
        Path file = moduleDir().resolve(plural + ".physalia.io-v1.yml");
        try (InputStream in = Files.newInputStream(file)) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema of the only version. */
    static JSONSchemaProps schema(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }

    /** The schema at a dotted path of properties below the root, e.g. "spec.cellDefaults.size". */
    static JSONSchemaProps at(CustomResourceDefinition crd, String path) {
        JSONSchemaProps props = schema(crd);
        for (String name : path.split("\\.")) {
            JSONSchemaProps next = props.getProperties() == null ? null : props.getProperties().get(name);
            if (next == null) {
                throw new AssertionError("no property " + name + " in " + path + " of " + crd.getMetadata().getName());
            }
            props = next;
        }
        return props;
    }
}
