package io.physalia.e2e.images;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonySpec;
import io.physalia.e2e.k8s.ControlPlane;
import io.physalia.e2e.k8s.ControlPlaneExtension;
import io.physalia.e2e.k8s.Crds;
import io.physalia.operator.Names;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator image starts and reconciles: its own entrypoint, environment and user on its own
 * read-only root, with the args and /tmp the chart's Deployment gives it and a kubeconfig for the
 * e2e API server (in a pod: its service account). It passes its preflight (TLS to the API server,
 * the CRDs), answers /healthz, wins the leader Lease and writes the keyring Secret of a new Colony.
 */
@ExtendWith(ControlPlaneExtension.class)
class OperatorImageStartTest {
    static final String NAMESPACE = "image-operator";
    /** A port no other test listens on. */
    static final int METRICS_PORT = 18391;
    static final Duration START = Duration.ofSeconds(120);

    @Test
    void theImageRunsTheOperatorAgainstARealApiServer(ControlPlane plane, @TempDir Path tmp) throws Exception {
        assumeTrue(LocalContainer.canRun(), "running an image needs root, unshare and chroot (CI has them)");
        assertTrue(Crds.install(plane).ok(), "the CRDs install");
        KubernetesClient client = plane.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).serverSideApply();

        ImageTar image = ImageTar.open(ImageTar.built("operator", "jib-image.tar"), tmp);
        Path rootfs = image.unpackRootfs(tmp.resolve("rootfs"));
        Path kube = Files.createDirectories(tmp.resolve("kube"));
        // certificates inline: the files the kubeconfig names are not inside the container
        var flat = plane.kubectl("config", "view", "--flatten");
        assertTrue(flat.ok(), flat.output());
        Files.writeString(kube.resolve("config"), flat.output());
        Files.setAttribute(kube.resolve("config"), "unix:uid", 10001);
        // the chart's container: its args, POD_NAMESPACE, an emptyDir at /tmp
        List<String> args = List.of("--namespace", NAMESPACE, "--metrics-port", String.valueOf(METRICS_PORT));
        Map<String, String> env = Map.of("POD_NAMESPACE", NAMESPACE, "KUBECONFIG", "/etc/kube/config",
                "JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75");
        try (LocalContainer operator = LocalContainer.start(image, rootfs, args, env,
                List.of(new LocalContainer.Mount("/etc/kube", kube, true)), List.of("/tmp"), tmp.resolve("operator.log"))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            plane.await("the operator's /healthz", START, () -> {
                assertTrue(operator.isAlive(), () -> "the operator exited:\n" + operator.output());
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + METRICS_PORT + "/healthz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            client.resources(Colony.class).inNamespace(NAMESPACE).resource(colony()).create();
            plane.await("the keyring Secret of the new Colony", START, () -> {
                assertTrue(operator.isAlive(), () -> "the operator exited:\n" + operator.output());
                return client.secrets().inNamespace(NAMESPACE).withName(Names.keyring("demo")).get() != null;
            });
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + METRICS_PORT + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("physalia_"), "the operator serves its metrics: " + metrics.lines().limit(5).toList());
        } finally {
            client.namespaces().withName(NAMESPACE).delete();
        }
    }

    static Colony colony() {
        Colony c = new Colony();
        c.setMetadata(new ObjectMetaBuilder().withName("demo").withNamespace(NAMESPACE).build());
        ColonySpec s = new ColonySpec();
        s.setImage("physalia/node");
        s.setVersion("0.1.0-SNAPSHOT");
        s.setColors(List.of("blue", "green"));
        s.setNodesPerColor(3);
        c.setSpec(s);
        return c;
    }
}
