package io.physalia.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code physalia-operator [--namespace NS] [--leader-election true|false] [--metrics-port P]}:
 * runs the operator against the cluster of the current kubeconfig or, inside a pod, its service
 * account. The namespace defaults to {@code POD_NAMESPACE}, then {@code default}. On the metrics
 * port (default {@value #DEFAULT_METRICS_PORT}, 0 for none) it serves {@code /metrics} (Prometheus
 * text) and {@code /healthz} (200 once the operator started), on every replica, leader or not.
 */
public final class OperatorMain {
    private OperatorMain() {}

    static final int DEFAULT_METRICS_PORT = 8080;
    static final String USAGE = "usage: physalia-operator [--namespace NS] [--leader-election true|false] [--metrics-port P]";

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("label-nodes")) {
            System.exit(labelNodes(java.util.Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        Map<String, String> flags;
        try {
            flags = flags(args);
        } catch (IllegalArgumentException e) {
            System.err.println("physalia-operator: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        String env = System.getenv("POD_NAMESPACE");
        String namespace = flags.getOrDefault("namespace", env == null || env.isBlank() ? "default" : env);
        boolean election = Boolean.parseBoolean(flags.getOrDefault("leader-election", "true"));
        KubernetesClient client = new KubernetesClientBuilder().build();
        String problem = preflight(client);
        if (problem != null) {
            System.err.println("physalia-operator: " + problem);
            client.close();
            System.exit(1);
            return;
        }
        int metricsPort = Integer.parseInt(flags.getOrDefault("metrics-port", String.valueOf(DEFAULT_METRICS_PORT)));
        PhysaliaOperator operator = new PhysaliaOperator(client, namespace, election);
        if (metricsPort > 0) {
            try {
                MetricsEndpoint.start(new java.net.InetSocketAddress(metricsPort), operator::scrapeMetrics);
            } catch (java.io.IOException e) {
                System.err.println("physalia-operator: --metrics-port " + metricsPort + ": cannot listen: " + e.getMessage());
                client.close();
                System.exit(1);
                return;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            operator.close();
            client.close();
            stopped.countDown();
        }, "physalia-operator-stop"));
        operator.start();
        System.out.println("physalia operator reconciling namespace " + namespace + (election ? " (leader election on Lease "
                + PhysaliaOperator.LEASE + ")" : ""));
        stopped.await();
    }

    static final String LABEL_USAGE = "usage: physalia label-nodes --inventory FILE [--dry-run true|false]";

    /** {@code label-nodes --inventory FILE [--dry-run true]}: the exit code (0 applied or nothing to do, 1 refused, 2 usage). */
    static int labelNodes(String[] args) {
        Map<String, String> flags = new java.util.TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            String key = !a.startsWith("--") ? null : eq > 0 ? a.substring(2, eq) : a.substring(2);
            if (key == null || (!key.equals("inventory") && !key.equals("dry-run"))) {
                System.err.println("physalia label-nodes: unexpected argument '" + a + "'\n" + LABEL_USAGE);
                return 2;
            }
            String value = eq > 0 ? a.substring(eq + 1) : key.equals("dry-run") && (i + 1 >= args.length || args[i + 1].startsWith("--"))
                    ? "true" : i + 1 < args.length ? args[++i] : null;
            if (value == null || (key.equals("dry-run") && !value.equals("true") && !value.equals("false"))) {
                System.err.println("physalia label-nodes: --" + key + (value == null ? " needs a value" : " must be true or false") + "\n" + LABEL_USAGE);
                return 2;
            }
            flags.put(key, value);
        }
        if (!flags.containsKey("inventory")) {
            System.err.println("physalia label-nodes: --inventory is required\n" + LABEL_USAGE);
            return 2;
        }
        String text;
        try {
            text = java.nio.file.Files.readString(java.nio.file.Path.of(flags.get("inventory")));
        } catch (java.io.IOException e) {
            System.err.println("physalia label-nodes: cannot read the inventory " + flags.get("inventory") + ": " + e);
            return 2;
        }
        boolean dryRun = Boolean.parseBoolean(flags.getOrDefault("dry-run", "false"));
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            LabelNodes.Result r = LabelNodes.run(client, text, dryRun);
            System.out.print(r.plan().render());
            if (!r.plan().missing().isEmpty()) {
                System.err.println("physalia label-nodes: refused: the inventory lists nodes the cluster does not have; nothing changed");
                return 1;
            }
            System.out.println(r.applied() ? "applied" : "dry run: nothing changed");
            return 0;
        } catch (io.physalia.topology.TopologyException e) {
            System.err.println("physalia label-nodes: the inventory " + flags.get("inventory") + " is refused, nothing changed:\n" + e.getMessage());
            return 1;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            System.err.println("physalia label-nodes: the Kubernetes API refused: " + e.getMessage());
            return 1;
        }
    }

    /** Why the operator cannot start against this cluster (unreachable, CRDs missing), or null. */
    static String preflight(KubernetesClient client) {
        try {
            client.getKubernetesVersion();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return "cannot reach the Kubernetes API at " + client.getMasterUrl() + " (" + root + "); check the kubeconfig or KUBECONFIG";
        }
        for (String crd : java.util.List.of("colonies.physalia.io", "colors.physalia.io", "cells.physalia.io")) {
            try {
                if (client.apiextensions().v1().customResourceDefinitions().withName(crd).get() == null) {
                    return "the CRD " + crd + " is not installed: run kubectl apply -f crds/ first";
                }
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 403) {
                    throw e;
                }
                return null; // not allowed to read CRDs: the informers will say if they are missing
            }
        }
        return null;
    }

    /** Reads {@code --key value} and {@code --key=value}; throws naming an unknown flag or a bad value. */
    static Map<String, String> flags(String[] args) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            int eq = a.indexOf('=');
            String key = eq > 0 ? a.substring(2, eq) : a.substring(2);
            if (eq < 0 && i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            String value = eq > 0 ? a.substring(eq + 1) : args[++i];
            if (!key.equals("namespace") && !key.equals("leader-election") && !key.equals("metrics-port")) {
                throw new IllegalArgumentException("unknown flag --" + key);
            }
            if (key.equals("metrics-port") && !value.matches("\\d{1,5}") || key.equals("metrics-port") && Integer.parseInt(value) > 65535) {
                throw new IllegalArgumentException("--metrics-port must be a port number from 0 (none) to 65535, not '" + value + "'");
            }
            if (key.equals("leader-election") && !value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException("--leader-election must be true or false, not '" + value + "'");
            }
            if (key.equals("namespace") && !value.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw new IllegalArgumentException("--namespace '" + value + "' is not a namespace name");
            }
            out.put(key, value);
        }
        return out;
    }
}
