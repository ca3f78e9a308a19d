package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The project's CRDs installed as a user installs them: {@code kubectl apply -f crds/}, then wait until served. */
public final class Crds {
    /** The crds module, next to this one (surefire runs in the e2e module's directory). */
    static final Path DIR = Path.of("..", "crds").toAbsolutePath().normalize();
    static final List<String> NAMES = List.of("colonies.physalia.io", "colors.physalia.io", "cells.physalia.io");

    private Crds() {}

    /** Applies the CRDs (idempotent: every test class that needs them calls this) and waits until each is Established. */
    public static Kubectl.Result install(ControlPlane plane) {
        assertTrue(Files.isRegularFile(DIR.resolve("cells.physalia.io-v1.yml")), "no generated CRDs in " + DIR);
        Kubectl.Result applied = plane.kubectl("apply", "-f", DIR.toString());
        assertTrue(applied.ok(), applied.output());
        for (String crd : NAMES) {
            Kubectl.Result established = plane.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd/" + crd);
            assertTrue(established.ok(), established.output());
        }
        return applied;
    }
}
