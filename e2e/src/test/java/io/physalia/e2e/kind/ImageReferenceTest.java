package io.physalia.e2e.kind;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The names images are tagged with in the Kind nodes: what the kubelet's CRI resolves a pod's image to. */
class ImageReferenceTest {
    @Test
    void anOfficialImageIsInDockerHubsLibrary() {
        assertEquals("docker.io/library/busybox:1.37", KindCluster.qualified("busybox:1.37"));
    }

    @Test
    void aRepositoryOfAnOrganizationIsOnDockerHub() {
        assertEquals("docker.io/physalia/node:0.1.0-SNAPSHOT", KindCluster.qualified("physalia/node:0.1.0-SNAPSHOT"));
    }

    @Test
    void aReferenceThatNamesItsRegistryStays() {
        assertEquals("docker.io/physalia/node:v2", KindCluster.qualified("docker.io/physalia/node:v2"));
        assertEquals("registry.local:5000/physalia/node:v2", KindCluster.qualified("registry.local:5000/physalia/node:v2"));
        assertEquals("localhost/node:v2", KindCluster.qualified("localhost/node:v2"));
    }
}
