package io.physalia.e2e.k8s;

import static io.physalia.e2e.k8s.Manifests.cast;
import static io.physalia.e2e.k8s.Manifests.first;
import static io.physalia.e2e.k8s.Manifests.name;
import static io.physalia.e2e.k8s.Manifests.named;
import static io.physalia.e2e.k8s.Manifests.of;
import static io.physalia.e2e.k8s.Manifests.one;
import static io.physalia.e2e.k8s.Manifests.parse;
import static io.physalia.e2e.k8s.Manifests.path;
import static io.physalia.e2e.k8s.Manifests.verbs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart {@code helm/physalia} checked by the real tools: {@code helm lint --strict} for each
 * value set below; each set rendered with its CRDs ({@code helm template --include-crds}) and applied
 * with {@code kubectl apply --server-side --dry-run=server} (strict field validation) to the real
 * API server, in a namespace that warns on anything PSS restricted forbids; which objects each set
 * renders, and their key fields; bad values refused by {@code values.schema.json} with a message
 * naming the value; the chart's copies of the CRDs, the admission policy and the monitoring files
 * the same as their sources.
 *
 * <p>The server has no Prometheus Operator: {@code monitoring-crds-standin.yaml} serves PodMonitor
 * and PrometheusRule with small schemas of the fields the chart renders, so the dry run checks
 * those fields' names and types, not the Prometheus Operator's whole schemas.
 */
@ExtendWith(ControlPlaneExtension.class)
class HelmChartTest {
    static final String NAMESPACE = "helm-chart";
    static final String RELEASE = "ph";
    static final Path REPO = Helm.CHART.getParent().getParent();

    static ControlPlane plane;
    static Helm helm;

    @BeforeAll
    static void setUp(ControlPlane controlPlane, @TempDir Path dir) throws IOException {
        plane = controlPlane;
        helm = Helm.on(plane, dir);
        Crds.install(plane);
        Path standIns = Path.of("src", "test", "resources", "monitoring-crds-standin.yaml").toAbsolutePath();
        Kubectl.Result applied = plane.kubectl("apply", "-f", standIns.toString());
        assertTrue(applied.ok(), applied.output());
        for (String crd : List.of("podmonitors", "prometheusrules")) {
            Kubectl.Result established = plane.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                    "crd/" + crd + ".monitoring.coreos.com");
            assertTrue(established.ok(), established.output());
        }
        // warn=restricted: the API server warns about any pod template that breaks PSS restricted.
        Path ns = dir.resolve("namespace.yaml");
        Files.writeString(ns, """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels: {pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/warn-version: latest}
                """.formatted(NAMESPACE));
        Kubectl.Result created = plane.kubectl("apply", "-f", ns.toString());
        assertTrue(created.ok(), created.output());
    }

    // --- value sets ---------------------------------------------------------

    static final String DEFAULTS = "";
    static final String COLONY_TWO_COLORS = """
            colony:
              enabled: true
              name: prod
              image: registry.example/physalia-node
              version: "1.2.3"
              colors: [blue, green]
              nodesPerColor: 5
              nodeSelector: {pool: physalia}
              nodeSettings: {log-segment-bytes: 16m}
              cellDefaults: {size: 5, capacityPerNode: 2000}
              rateLimits: {globalBurst: 20, globalRefillMillis: 500, colorBurst: 2, colorRefillMillis: 6000}
              rollout: {validationWindowSeconds: 120, maxErrorRatePercent: 2, maxLatencyRegressionPercent: 25,
                        pauseBetweenColorsSeconds: 600, podReadyTimeoutSeconds: 900, minRequestsToCompare: 500}
              paused: true
              pauseReason: "change freeze"
            """;
    static final String NETWORK_POLICIES = """
            colony: {enabled: true, name: prod, colors: [blue, green, red]}
            networkPolicy: {enabled: true, clientNamespaces: [shop, billing], clientCIDRs: [10.20.0.0/16, "fd00:1::/64"]}
            rbac: {nodeLabeler: true}
            operator:
              image: {repository: registry.example/physalia-operator, tag: "2.0.1"}
              replicas: 3
            """;
    static final String MONITORING = """
            admissionPolicy: {enabled: false}
            monitoring:
              podMonitor: {enabled: true, interval: 15s, labels: {release: prom}}
              operatorMonitor: {enabled: true}
              prometheusRule: {enabled: true, labels: {release: prom}}
              dashboard: {enabled: true}
            """;
    static final String EXISTING_ACCOUNT = """
            serviceAccount: {create: false, name: physalia-ops}
            rbac: {create: false}
            """;

    static Stream<Arguments> valueSets() {
        return Stream.of(Arguments.of("defaults", DEFAULTS), Arguments.of("colony with 2 colors", COLONY_TWO_COLORS),
                Arguments.of("network policies", NETWORK_POLICIES), Arguments.of("monitoring", MONITORING),
                Arguments.of("existing service account", EXISTING_ACCOUNT));
    }

    static List<Map<String, Object>> render(String values) {
        return parse(helm.template(RELEASE, NAMESPACE, values));
    }

    // --- the tools ----------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void lintStrict(String name, String values) {
        Helm.Result lint = helm.run("lint", "--strict", Helm.CHART.toString(), "-n", NAMESPACE, "-f", helm.valuesFile(values).toString());
        assertTrue(lint.ok(), name + ":\n" + lint.output());
        assertTrue(lint.output().contains("1 chart(s) linted, 0 chart(s) failed"), lint.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void theApiServerAcceptsEveryRenderedObject(String name, String values) throws IOException {
        String rendered = helm.template(RELEASE, NAMESPACE, values, "--include-crds");
        List<Map<String, Object>> objects = parse(rendered);
        Path manifest = helm.valuesFile(rendered);
        Kubectl.Result dryRun = plane.kubectl("apply", "--server-side", "--force-conflicts", "--dry-run=server",
                "--validate=strict", "--field-manager=helm-chart-test", "-f", manifest.toString());
        assertTrue(dryRun.ok(), name + ":\n" + dryRun.output());
        for (Map<String, Object> o : objects) {
            String ref = Manifests.ref(o);
            assertTrue(dryRun.output().contains(ref + " serverside-applied (server dry run)"),
                    name + ": the dry run did not apply " + ref + ":\n" + dryRun.output());
        }
        assertFalse(dryRun.output().toLowerCase().contains("warning"), name + ":\n" + dryRun.output());
    }

    // --- what each value set renders ----------------------------------------

    static final List<String> OPERATOR = List.of("clusterrole.rbac.authorization.k8s.io/helm-chart-ph-physalia-operator",
            "clusterrolebinding.rbac.authorization.k8s.io/helm-chart-ph-physalia-operator", "deployment.apps/ph-physalia-operator",
            "role.rbac.authorization.k8s.io/ph-physalia-operator", "rolebinding.rbac.authorization.k8s.io/ph-physalia-operator",
            "serviceaccount/ph-physalia-operator");
    static final List<String> POLICY = List.of(
            "validatingadmissionpolicy.admissionregistration.k8s.io/cell-color-in-colony.physalia.io",
            "validatingadmissionpolicybinding.admissionregistration.k8s.io/cell-color-in-colony.physalia.io");

    static Stream<Arguments> renderedObjects() {
        return Stream.of(
                Arguments.of("defaults", DEFAULTS, plus(OPERATOR, POLICY)),
                Arguments.of("colony with 2 colors", COLONY_TWO_COLORS, plus(OPERATOR, POLICY, List.of("colony.physalia.io/prod",
                        "networkpolicy.networking.k8s.io/prod-blue", "networkpolicy.networking.k8s.io/prod-green"))),
                Arguments.of("network policies", NETWORK_POLICIES, plus(OPERATOR, POLICY, List.of("colony.physalia.io/prod",
                        "networkpolicy.networking.k8s.io/prod-blue", "networkpolicy.networking.k8s.io/prod-green",
                        "networkpolicy.networking.k8s.io/prod-red"))),
                Arguments.of("colony, network policies off", "colony: {enabled: true}\nnetworkPolicy: {enabled: false}\n",
                        plus(OPERATOR, POLICY, List.of("colony.physalia.io/demo"))),
                Arguments.of("network policies without a colony", "networkPolicy: {enabled: true}\n", plus(OPERATOR, POLICY)),
                Arguments.of("monitoring", MONITORING, plus(OPERATOR, List.of("configmap/ph-physalia-dashboard",
                        "podmonitor.monitoring.coreos.com/ph-physalia-nodes", "podmonitor.monitoring.coreos.com/ph-physalia-operator",
                        "prometheusrule.monitoring.coreos.com/ph-physalia"))),
                Arguments.of("existing service account", EXISTING_ACCOUNT, plus(List.of("deployment.apps/ph-physalia-operator"), POLICY)));
    }

    @SafeVarargs
    static List<String> plus(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).sorted().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderedObjects")
    void valuesRenderTheseObjects(String name, String values, List<String> expected) {
        assertEquals(expected, render(values).stream().map(Manifests::ref).sorted().toList(), name);
        String crds = helm.template(RELEASE, NAMESPACE, values, "--include-crds");
        assertEquals(List.of("cells.physalia.io", "colonies.physalia.io", "colors.physalia.io"),
                of(parse(crds), "CustomResourceDefinition").stream().map(Manifests::name).sorted().toList(),
                "the CRDs come from the chart's crds/ whatever the values");
    }

    @Test
    void theOperatorDeployment() {
        Map<String, Object> deployment = one(render(DEFAULTS), "Deployment");
        assertEquals(2, path(deployment, "spec", "replicas"));
        Map<String, Object> pod = cast(path(deployment, "spec", "template", "spec"));
        assertEquals("ph-physalia-operator", pod.get("serviceAccountName"));
        assertEquals(Map.of("runAsNonRoot", true, "runAsUser", 10001, "runAsGroup", 10001, "seccompProfile",
                Map.of("type", "RuntimeDefault")), pod.get("securityContext"));
        Map<String, Object> container = first(pod.get("containers"));
        assertEquals("physalia/operator:" + chartAppVersion(), container.get("image"));
        assertEquals(List.of("--namespace", NAMESPACE, "--metrics-port", "8080"), container.get("args"));
        assertEquals(null, container.get("command"), "the image's entrypoint runs the jar");
        assertEquals("metadata.namespace", path(first(container.get("env")), "valueFrom", "fieldRef", "fieldPath"));
        assertEquals(Map.of("name", "metrics", "containerPort", 8080, "protocol", "TCP"), first(container.get("ports")));
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            assertEquals(Map.of("path", "/healthz", "port", "metrics"), path(container, probe, "httpGet"), probe);
        }
        assertEquals(Map.of("runAsNonRoot", true, "readOnlyRootFilesystem", true, "allowPrivilegeEscalation", false,
                "capabilities", Map.of("drop", List.of("ALL")), "seccompProfile", Map.of("type", "RuntimeDefault")),
                container.get("securityContext"));
        assertEquals(Map.of("name", "tmp", "mountPath", "/tmp"), first(container.get("volumeMounts")));
        assertEquals("kubernetes.io/hostname", path(first(path(pod, "affinity", "podAntiAffinity",
                "preferredDuringSchedulingIgnoredDuringExecution")), "podAffinityTerm", "topologyKey"), "replicas spread over nodes");

        Map<String, Object> custom = one(render(NETWORK_POLICIES), "Deployment");
        assertEquals(3, path(custom, "spec", "replicas"));
        assertEquals("registry.example/physalia-operator:2.0.1", first(path(custom, "spec", "template", "spec", "containers")).get("image"));
        assertEquals("physalia-ops", path(one(render(EXISTING_ACCOUNT), "Deployment"), "spec", "template", "spec", "serviceAccountName"));
    }

    @Test
    void leastPrivilegeRbac() {
        List<Map<String, Object>> objects = render(DEFAULTS);
        Map<String, Object> role = one(objects, "Role");
        assertEquals(List.of("get", "list", "watch", "patch"), verbs(role, "physalia.io", "colonies"));
        assertEquals(List.of("get", "list", "watch", "patch"), verbs(role, "physalia.io", "cells"));
        assertEquals(List.of("get", "list", "watch", "create", "patch"), verbs(role, "physalia.io", "colors"));
        for (String status : List.of("colonies/status", "colors/status", "cells/status")) {
            assertEquals(List.of("patch"), verbs(role, "physalia.io", status), status);
        }
        assertEquals(List.of("update"), verbs(role, "physalia.io", "colonies/finalizers"));
        assertEquals(List.of("get", "create", "patch"), verbs(role, "apps", "statefulsets"));
        assertEquals(List.of("get", "create"), verbs(role, "", "secrets"), "a keyring is created once and never rewritten");
        assertEquals(List.of("get", "create", "patch"), verbs(role, "", "configmaps"), "the node settings are applied server-side");
        assertEquals(List.of("get", "list", "watch", "delete"), verbs(role, "", "pods"));
        assertEquals(List.of("create", "patch"), verbs(role, "", "events"));
        assertEquals(List.of("get", "create", "update", "patch"), verbs(role, "coordination.k8s.io", "leases"));
        List<Map<String, Object>> rules = cast(role.get("rules"));
        for (Map<String, Object> rule : rules) {
            assertFalse(rule.toString().contains("*"), "no wildcard: " + rule);
            assertFalse(Manifests.<List<String>>cast(rule.get("verbs")).contains("deletecollection"), rule.toString());
        }
        Map<String, Object> clusterRole = one(objects, "ClusterRole");
        assertEquals(List.of("get", "list", "watch"), verbs(clusterRole, "", "nodes"), "Nodes are only read by default");
        assertEquals(List.of("get"), verbs(clusterRole, "apiextensions.k8s.io", "customresourcedefinitions"));
        assertEquals(2, Manifests.<List<?>>cast(clusterRole.get("rules")).size());
        assertEquals(List.of("get", "list", "watch", "patch"), verbs(one(render(NETWORK_POLICIES), "ClusterRole"), "", "nodes"),
                "rbac.nodeLabeler lets label-nodes patch Node labels");
        Map<String, Object> binding = one(objects, "RoleBinding");
        assertEquals(List.of(Map.of("kind", "ServiceAccount", "name", "ph-physalia-operator", "namespace", NAMESPACE)), binding.get("subjects"));
    }

    @Test
    void theColonyCarriesEverySpecField() {
        Map<String, Object> colony = one(render(COLONY_TWO_COLORS), "Colony");
        assertEquals("prod", name(colony));
        assertEquals(NAMESPACE, path(colony, "metadata", "namespace"));
        assertEquals("keep", path(colony, "metadata", "annotations", "helm.sh/resource-policy"));
        Map<String, Object> spec = cast(colony.get("spec"));
        assertEquals(new TreeSet<>(crdSpecFields()), new TreeSet<>(spec.keySet()), "every field of the Colony's spec");
        assertEquals("registry.example/physalia-node", spec.get("image"));
        assertEquals("1.2.3", spec.get("version"));
        assertEquals(List.of("blue", "green"), spec.get("colors"));
        assertEquals(5, spec.get("nodesPerColor"));
        assertEquals(Map.of("pool", "physalia"), spec.get("nodeSelector"));
        assertEquals(Map.of("log-segment-bytes", "16m"), spec.get("nodeSettings"));
        assertEquals(Map.of("size", 5, "capacityPerNode", 2000), spec.get("cellDefaults"));
        assertEquals(6000, path(spec, "rateLimits", "colorRefillMillis"));
        assertEquals(900, path(spec, "rollout", "podReadyTimeoutSeconds"));
        assertEquals(true, spec.get("paused"));
        assertEquals("change freeze", spec.get("pauseReason"));
        Map<String, Object> minimal = cast(one(render("colony: {enabled: true}\n"), "Colony").get("spec"));
        assertEquals(List.of("colors", "image", "nodesPerColor", "paused", "version"), new TreeSet<>(minimal.keySet()).stream().toList(),
                "unset objects stay absent, so the CRD's defaults apply");
    }

    @Test
    void oneNetworkPolicyPerColor() {
        List<Map<String, Object>> policies = of(render(NETWORK_POLICIES), "NetworkPolicy");
        assertEquals(3, policies.size());
        for (String color : List.of("blue", "green", "red")) {
            Map<String, Object> policy = named(policies, "NetworkPolicy", "prod-" + color);
            Map<String, Object> pods = Map.of("app.kubernetes.io/name", "physalia-node", "physalia.io/colony", "prod",
                    "physalia.io/color", color);
            assertEquals(pods, path(policy, "spec", "podSelector", "matchLabels"));
            assertEquals(List.of("Ingress"), path(policy, "spec", "policyTypes"));
            List<Map<String, Object>> ingress = cast(path(policy, "spec", "ingress"));
            assertEquals(3, ingress.size());
            assertEquals(List.of(Map.of("port", 7600, "protocol", "TCP")), ingress.get(0).get("ports"));
            assertEquals(List.of(Map.of("podSelector", Map.of("matchLabels", pods))), ingress.get(0).get("from"),
                    "peers: the same colony and color only");
            Map<String, Object> operator = Map.of("podSelector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", "physalia-operator",
                    "app.kubernetes.io/instance", RELEASE)));
            assertEquals(List.of(Map.of("port", 7401, "protocol", "TCP")), ingress.get(1).get("ports"));
            assertEquals(List.of(operator, Map.of("podSelector", Map.of("matchLabels", pods))), ingress.get(1).get("from"),
                    "the admin API: the operator and the color's nodes only");
            assertEquals(List.of(Map.of("port", 7400, "protocol", "TCP")), ingress.get(2).get("ports"));
            assertEquals(List.of(operator, Map.of("podSelector", Map.of("matchLabels", pods)),
                    Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "shop"))),
                    Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "billing"))),
                    Map.of("ipBlock", Map.of("cidr", "10.20.0.0/16")), Map.of("ipBlock", Map.of("cidr", "fd00:1::/64"))),
                    ingress.get(2).get("from"), "HTTP: the operator (rollout metrics), the color's nodes (those from before --admin-port), the client namespaces and client hosts");
        }
        List<Map<String, Object>> noClients = cast(path(first(of(render(COLONY_TWO_COLORS), "NetworkPolicy")), "spec", "ingress"));
        assertEquals(2, Manifests.<List<?>>cast(noClients.get(2).get("from")).size(), "no client namespace named: none let in");
    }

    @Test
    void monitoringObjects() throws IOException {
        List<Map<String, Object>> objects = render(MONITORING);
        Map<String, Object> nodes = named(objects, "PodMonitor", "ph-physalia-nodes");
        assertEquals("prom", path(nodes, "metadata", "labels", "release"));
        assertEquals(Map.of("app.kubernetes.io/name", "physalia-node"), path(nodes, "spec", "selector", "matchLabels"));
        Map<String, Object> endpoint = first(path(nodes, "spec", "podMetricsEndpoints"));
        assertEquals(Map.of("port", "http", "path", "/metrics", "interval", "15s", "honorLabels", true), withoutRelabelings(endpoint));
        assertEquals(List.of(Map.of("targetLabel", "job", "replacement", "physalia"),
                Map.of("sourceLabels", List.of("__meta_kubernetes_pod_label_physalia_io_colony"), "targetLabel", "colony"),
                Map.of("sourceLabels", List.of("__meta_kubernetes_pod_label_physalia_io_color"), "targetLabel", "color"),
                Map.of("sourceLabels", List.of("__meta_kubernetes_pod_name"), "targetLabel", "node")),
                endpoint.get("relabelings"), "up carries what the rules read: job physalia, colony, color and node");
        Map<String, Object> operator = named(objects, "PodMonitor", "ph-physalia-operator");
        assertEquals(Map.of("app.kubernetes.io/name", "physalia-operator", "app.kubernetes.io/instance", RELEASE),
                path(operator, "spec", "selector", "matchLabels"));
        assertEquals("metrics", path(first(path(operator, "spec", "podMetricsEndpoints")), "port"));

        Map<String, Object> rule = one(objects, "PrometheusRule");
        assertEquals("prom", path(rule, "metadata", "labels", "release"));
        Map<String, Object> rulesFile = Manifests.YAML.readValue(Helm.CHART.resolve("files/physalia-rules.yml").toFile(), Map.class);
        assertEquals(rulesFile.get("groups"), path(rule, "spec", "groups"), "the groups of files/physalia-rules.yml, as they are");

        Map<String, Object> dashboard = one(objects, "ConfigMap");
        assertEquals("1", path(dashboard, "metadata", "labels", "grafana_dashboard"));
        String json = (String) path(dashboard, "data", "physalia.json");
        assertEquals(new ObjectMapper().readTree(Helm.CHART.resolve("files/dashboard.json").toFile()), new ObjectMapper().readTree(json));
        assertNotNull(new ObjectMapper().readTree(json).get("panels"), json);
    }

    static Map<String, Object> withoutRelabelings(Map<String, Object> endpoint) {
        Map<String, Object> rest = new java.util.HashMap<>(endpoint);
        rest.remove("relabelings");
        return rest;
    }

    // --- bad values ---------------------------------------------------------

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("operator: {replicas: -1}", "at '/operator/replicas': minimum: got -1, want 0"),
                Arguments.of("operator: {image: {tag: 1.2}}", "at '/operator/image/tag': got number, want string"),
                Arguments.of("operator: {image: {repo: x}}", "at '/operator/image': additional properties 'repo' not allowed"),
                Arguments.of("operator: {metricsPort: 0}", "at '/operator/metricsPort': minimum: got 0, want 1"),
                Arguments.of("replicas: 2", "at '': additional properties 'replicas' not allowed"),
                Arguments.of("colony: {enabled: true, colors: []}", "at '/colony/colors': minItems: got 0, want 1"),
                Arguments.of("colony: {colors: [blue, blue]}", "at '/colony/colors': items at 0 and 1 are equal"),
                Arguments.of("colony: {colors: [Blue]}", "at '/colony/colors/0': 'Blue' does not match pattern"),
                Arguments.of("colony: {nodesPerColor: 2}", "at '/colony/nodesPerColor': minimum: got 2, want 3"),
                Arguments.of("colony: {cellDefaults: {size: 4}}", "at '/colony/cellDefaults/size': value must be one of 3, 5, 7, 9, 11, 13, 15"),
                Arguments.of("colony: {rollout: {validationWindow: 60}}", "at '/colony/rollout': additional properties 'validationWindow' not allowed"),
                Arguments.of("colony: {rateLimits: {colorBurst: 0}}", "at '/colony/rateLimits/colorBurst': minimum: got 0, want 1"),
                Arguments.of("colony: {nodeSettings: {sync: 'false'}}", "invalid propertyName 'sync'"),
                Arguments.of("colony: {nodeSettings: {log-segment-bytes: lots}}", "at '/colony/nodeSettings/log-segment-bytes': 'lots' does not match pattern"),
                Arguments.of("colony: {version: 'v 1'}", "at '/colony/version': 'v 1' does not match pattern"),
                Arguments.of("networkPolicy: {clientNamespaces: [Not_A_Namespace]}", "at '/networkPolicy/clientNamespaces/0'"),
                Arguments.of("networkPolicy: {clientCIDRs: [10.20.0.0]}", "at '/networkPolicy/clientCIDRs/0'"),
                Arguments.of("networkPolicy: {clientCIDRs: [10.20.300.0/16]}", "at '/networkPolicy/clientCIDRs/0'"),
                Arguments.of("networkPolicy: {clientCIDRs: [10.20.0.0/33]}", "at '/networkPolicy/clientCIDRs/0'"),
                Arguments.of("monitoring: {podMonitor: {interval: 30 seconds}}", "at '/monitoring/podMonitor/interval'"),
                Arguments.of("serviceAccount: {create: false}", "serviceAccount.name is required when serviceAccount.create is false"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValuesAreRefusedNamingTheValue(String values, String message) {
        Helm.Result template = helm.templateResult(RELEASE, NAMESPACE, values + "\n");
        assertNotEquals(0, template.exitCode(), template.output());
        assertTrue(template.output().contains(message), "expected '" + message + "' in:\n" + template.output());
    }

    // --- the chart's copies -------------------------------------------------

    @Test
    void theChartsCrdsAndPolicyAreTheGeneratedOnes() throws IOException {
        assertSameFiles(Crds.DIR, Helm.CHART.resolve("crds"), "-v1.yml", 3);
        assertSameFiles(Crds.DIR.resolve("policy"), Helm.CHART.resolve("files/policy"), ".yaml", 1);
    }

    /**
     * The rules and dashboard written under {@code monitoring/}, once there, are what the chart
     * ships: {@code cp monitoring/physalia-rules.yml monitoring/dashboard.json helm/physalia/files/}.
     * Until then the chart's placeholders stand in.
     */
    @Test
    void theChartsMonitoringFilesAreTheRepositorysOnes() throws IOException {
        for (String file : List.of("physalia-rules.yml", "dashboard.json")) {
            Path source = REPO.resolve("monitoring").resolve(file);
            Path copy = Helm.CHART.resolve("files").resolve(file);
            assertTrue(Files.isRegularFile(copy), copy.toString());
            if (Files.exists(source)) {
                assertEquals(Files.readString(source), Files.readString(copy),
                        "helm/physalia/files/" + file + " differs from monitoring/" + file + ": cp monitoring/" + file + " helm/physalia/files/");
            }
        }
    }

    static void assertSameFiles(Path sourceDir, Path copyDir, String suffix, int expected) throws IOException {
        List<String> sources = names(sourceDir, suffix);
        assertEquals(expected, sources.size(), sourceDir + ": " + sources);
        assertEquals(sources, names(copyDir, ""), copyDir + " must hold exactly " + sourceDir + "/*" + suffix);
        for (String name : sources) {
            assertEquals(Files.readString(sourceDir.resolve(name)), Files.readString(copyDir.resolve(name)),
                    copyDir.resolve(name) + " differs from " + sourceDir.resolve(name) + ": copy it (cp " + REPO.relativize(sourceDir.resolve(name))
                            + " " + REPO.relativize(copyDir) + "/)");
        }
    }

    static List<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    /**
     * values.schema.json's colony section and the Colony CRD's spec agree: the same fields, and for
     * each the same type and bounds (so helm refuses what the API server would, before installing).
     */
    @Test
    void theValuesSchemaBoundsTheColonyAsTheCrdDoes() throws IOException {
        Map<String, Object> schema = Manifests.YAML.readValue(Helm.CHART.resolve("values.schema.json").toFile(), Map.class);
        Map<String, Object> colony = cast(path(schema, "properties", "colony", "properties"));
        Map<String, Object> values = new java.util.TreeMap<>(colony);
        assertEquals(Map.of("type", "boolean"), values.remove("enabled"));
        assertNotNull(values.remove("name"));
        List<String> problems = new ArrayList<>();
        compare("colony", crdSpec(), Map.of("type", "object", "properties", values), problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    static final List<String> BOUNDS = List.of("type", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems",
            "maxItems", "maxProperties");

    static void compare(String where, Map<String, Object> crd, Map<String, Object> values, List<String> problems) {
        for (String key : BOUNDS) {
            Object a = crd.get(key);
            Object b = values.get(key);
            if (a instanceof Number n && b instanceof Number m ? n.doubleValue() != m.doubleValue() : !java.util.Objects.equals(a, b)) {
                problems.add(where + "." + key + ": the CRD says " + a + ", values.schema.json " + b);
            }
        }
        for (String nested : List.of("properties")) {
            Map<String, Object> c = cast(crd.get(nested));
            Map<String, Object> v = cast(values.get(nested));
            if (c == null && v == null) {
                continue;
            }
            if (c == null || v == null || !c.keySet().equals(v.keySet())) {
                problems.add(where + ": the CRD's fields " + (c == null ? null : new TreeSet<>(c.keySet())) + ", values.schema.json's "
                        + (v == null ? null : new TreeSet<>(v.keySet())));
                continue;
            }
            if (values.get("additionalProperties") != Boolean.FALSE && where.contains(".")) {
                problems.add(where + ": values.schema.json must refuse unknown fields (additionalProperties: false)");
            }
            c.forEach((k, sub) -> compare(where + "." + k, cast(sub), cast(v.get(k)), problems));
        }
        for (String single : List.of("items", "additionalProperties")) {
            if (crd.get(single) instanceof Map<?, ?> c) {
                if (values.get(single) instanceof Map<?, ?> v) {
                    compare(where + "[" + single + "]", cast(c), cast(v), problems);
                } else {
                    problems.add(where + "." + single + ": missing in values.schema.json");
                }
            }
        }
    }

    static Map<String, Object> crdSpec() throws IOException {
        Map<String, Object> crd = Manifests.YAML.readValue(Crds.DIR.resolve("colonies.physalia.io-v1.yml").toFile(), Map.class);
        Map<String, Object> version = first(path(crd, "spec", "versions"));
        return cast(path(version, "schema", "openAPIV3Schema", "properties", "spec"));
    }

    static List<String> crdSpecFields() {
        try {
            return new ArrayList<>(Manifests.<Map<String, Object>>cast(crdSpec().get("properties")).keySet());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String chartAppVersion() {
        try {
            return (String) Manifests.YAML.readValue(Helm.CHART.resolve("Chart.yaml").toFile(), Map.class).get("appVersion");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
