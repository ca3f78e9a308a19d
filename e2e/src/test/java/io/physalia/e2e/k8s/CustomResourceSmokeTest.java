package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A CRD and a custom resource applied with kubectl; the server's schema rejects a bad one. */
@ExtendWith(ControlPlaneExtension.class)
class CustomResourceSmokeTest {

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: probes.smoke.physalia.io
            spec:
              group: smoke.physalia.io
              scope: Namespaced
              names: {plural: probes, singular: probe, kind: Probe}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      required: [spec]
                      properties:
                        spec:
                          type: object
                          required: [replicas, rack]
                          properties:
                            replicas: {type: integer, minimum: 3, maximum: 9}
                            rack: {type: string, pattern: '^[a-z0-9-]+$'}
            """;

    static final String GOOD = """
            apiVersion: smoke.physalia.io/v1
            kind: Probe
            metadata: {name: good, namespace: default}
            spec: {replicas: 5, rack: rack-1}
            """;

    static final String BAD = """
            apiVersion: smoke.physalia.io/v1
            kind: Probe
            metadata: {name: bad, namespace: default}
            spec: {replicas: 1, rack: rack-1}
            """;

    @Test
    void crdAndCustomResourceAppliedWithKubectlAndSchemaEnforcedByTheServer(ControlPlane plane, @TempDir Path dir)
            throws IOException {
        Kubectl.Result version = plane.kubectl("version", "-o", "yaml");
        assertTrue(version.ok(), version.output());
        assertTrue(version.output().contains("gitVersion: " + plane.binaries().kubernetesVersion()),
                "kubectl and the server report the version they were built as:\n" + version.output());

        Kubectl.Result crd = plane.kubectl("apply", "-f", write(dir, "crd.yaml", CRD));
        assertTrue(crd.ok(), crd.output());
        Kubectl.Result established = plane.kubectl("wait", "--for=condition=Established", "--timeout=30s",
                "crd/probes.smoke.physalia.io");
        assertTrue(established.ok(), established.output());

        Kubectl.Result good = plane.kubectl("apply", "-f", write(dir, "good.yaml", GOOD));
        assertTrue(good.ok(), good.output());
        Kubectl.Result get = plane.kubectl("get", "probe", "good", "-o", "jsonpath={.spec.replicas}");
        assertEquals("5", get.output().trim(), get.output());

        Kubectl.Result bad = plane.kubectl("apply", "-f", write(dir, "bad.yaml", BAD));
        assertFalse(bad.ok(), "the server must reject replicas: 1 (minimum 3):\n" + bad.output());
        assertTrue(bad.output().contains("spec.replicas"), bad.output());
        assertTrue(bad.output().contains("greater than or equal to 3"), bad.output());
        assertFalse(plane.kubectl("get", "probe", "bad").ok(), "the rejected resource must not exist");
    }

    private static String write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }
}
