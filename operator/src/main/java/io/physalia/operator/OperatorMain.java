package io.physalia.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code physalia-operator [--namespace NS] [--leader-election true|false]}: runs the operator
 * against the cluster of the current kubeconfig or, inside a pod, its service account. The
 * namespace defaults to {@code POD_NAMESPACE}, then {@code default}.
 */
public final class OperatorMain {
    private OperatorMain() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> flags;
        try {
            flags = flags(args);
        } catch (IllegalArgumentException e) {
            System.err.println("physalia-operator: " + e.getMessage());
            System.err.println("usage: physalia-operator [--namespace NS] [--leader-election true|false]");
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
        PhysaliaOperator operator = new PhysaliaOperator(client, namespace, election);
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
            if (!key.equals("namespace") && !key.equals("leader-election")) {
                throw new IllegalArgumentException("unknown flag --" + key);
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
