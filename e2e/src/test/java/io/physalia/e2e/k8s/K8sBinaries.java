package io.physalia.e2e.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the control plane binaries are: the directory that {@code e2e/k8s-bin/build.sh} fills
 * ({@code ~/.cache/physalia-k8s/bin} unless {@code -Dphysalia.k8s.bin} or {@code PHYSALIA_K8S_BIN}
 * says otherwise), plus kube-api-test's layout {@code ~/.kubeapitest/k8s/<version>-linux-amd64}.
 * Missing binaries fail the tests with the command that gets them; nothing is skipped.
 */
public record K8sBinaries(Path dir, String kubernetesVersion, String etcdVersion, String kwokVersion) {

    public static final String HOW_TO_GET_THEM =
            "Run e2e/k8s-bin/build.sh (it builds kube-apiserver, kube-controller-manager, kube-scheduler,"
                    + " kubectl, etcd and kwok from their Go modules into ~/.cache/physalia-k8s and lays them"
                    + " out for kube-api-test; the first run takes a while, later runs reuse the cache)."
                    + " See docs/kubernetes-tests.md.";

    static final List<String> NAMES =
            List.of("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "etcd", "kwok",
                    "kwok-stages.yaml");

    /** Finds the binaries, or throws an {@link AssertionError} that says how to get them. */
    public static K8sBinaries locate() {
        Path dir = defaultDir();
        Path versions = dir.resolve("VERSIONS");
        List<String> missing = new ArrayList<>();
        for (String name : NAMES) {
            if (!(name.endsWith(".yaml") ? Files.isReadable(dir.resolve(name)) : Files.isExecutable(dir.resolve(name)))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty() || !Files.isReadable(versions)) {
            throw new AssertionError("Kubernetes control plane binaries missing in " + dir + ": "
                    + (missing.isEmpty() ? "VERSIONS" : String.join(", ", missing)) + ". " + HOW_TO_GET_THEM);
        }
        Map<String, String> v = readVersions(versions);
        K8sBinaries binaries = new K8sBinaries(dir, v.get("kubernetes"), v.get("etcd"), v.get("kwok"));
        Path apiTestDir = binaries.kubeApiTestDir();
        for (String name : List.of("kube-apiserver", "etcd", "kubectl")) {
            if (!Files.isExecutable(apiTestDir.resolve(name))) {
                throw new AssertionError("kube-api-test's binary " + apiTestDir.resolve(name) + " is missing. "
                        + HOW_TO_GET_THEM);
            }
        }
        return binaries;
    }

    static Path defaultDir() {
        String configured = System.getProperty("physalia.k8s.bin");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("PHYSALIA_K8S_BIN");
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "physalia-k8s", "bin");
    }

    private static Map<String, String> readVersions(Path file) {
        try {
            Map<String, String> versions = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    versions.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return versions;
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ". " + HOW_TO_GET_THEM, e);
        }
    }

    /** The Kubernetes version as kube-api-test spells it: plain numbers, no "v". */
    public String kubeApiTestVersion() {
        return kubernetesVersion.startsWith("v") ? kubernetesVersion.substring(1) : kubernetesVersion;
    }

    public Path kubeApiTestDir() {
        return Path.of(System.getProperty("user.home"), ".kubeapitest", "k8s",
                kubeApiTestVersion() + "-linux-amd64");
    }

    public Path binary(String name) {
        return dir.resolve(name);
    }
}
