package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A container's environment and arguments as a kubelet makes them: {@code envFrom} first (in
 * order), then {@code env} (in order, later entries win), values from {@code value} with
 * {@code $(VAR)} references expanded against the variables defined before them, from
 * {@code fieldRef}, {@code secretKeyRef} and {@code configMapKeyRef}; then the arguments expanded
 * against the whole environment. Expansion follows Kubernetes' own
 * ({@code third_party/forked/golang/expansion}): {@code $$} is a literal {@code $}, an unknown
 * {@code $(NAME)} or an unclosed {@code $(} is kept as written.
 */
final class PodEnvironment {
    /** Kubernetes' rule for env names taken from envFrom keys (others are skipped, as a kubelet does). */
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern LABEL_REF = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    private PodEnvironment() {}

    /** The container's environment, before mount paths are rewritten. */
    static Map<String, String> environment(Pod pod, Container container, PodObjects objects) throws PodStartException {
        String ns = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : list(container.getEnvFrom())) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            Map<String, String> source;
            if (from.getSecretRef() != null) {
                Secret secret = objects.secret(ns, from.getSecretRef().getName());
                if (secret == null) {
                    if (Boolean.TRUE.equals(from.getSecretRef().getOptional())) {
                        continue;
                    }
                    throw new PodStartException("envFrom: secret \"" + from.getSecretRef().getName() + "\" not found");
                }
                source = secretData(secret);
            } else if (from.getConfigMapRef() != null) {
                ConfigMap map = objects.configMap(ns, from.getConfigMapRef().getName());
                if (map == null) {
                    if (Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
                        continue;
                    }
                    throw new PodStartException("envFrom: configmap \"" + from.getConfigMapRef().getName() + "\" not found");
                }
                source = map.getData() == null ? Map.of() : map.getData();
            } else {
                throw new PodStartException("envFrom entry without secretRef or configMapRef");
            }
            source.forEach((k, v) -> {
                if (ENV_NAME.matcher(prefix + k).matches()) {
                    env.put(prefix + k, v);
                }
            });
        }
        for (EnvVar var : list(container.getEnv())) {
            String value;
            if (var.getValueFrom() == null) {
                // Only plain values are expanded, against what is defined so far (Kubernetes' order).
                Map<String, String> sofar = Map.copyOf(env);
                value = expand(var.getValue() == null ? "" : var.getValue(), sofar::get);
            } else {
                value = valueFrom(pod, var.getName(), var.getValueFrom(), objects);
                if (value == null) {
                    continue; // an optional reference that is absent: the variable is not set
                }
            }
            env.put(var.getName(), value);
        }
        return env;
    }

    /** The container's arguments with {@code $(VAR)} expanded against {@code env}. */
    static List<String> arguments(Container container, Map<String, String> env) {
        return list(container.getArgs()).stream().map(a -> expand(a, env::get)).toList();
    }

    private static String valueFrom(Pod pod, String name, EnvVarSource from, PodObjects objects) throws PodStartException {
        String ns = pod.getMetadata().getNamespace();
        if (from.getFieldRef() != null) {
            return field(pod, name, from.getFieldRef().getFieldPath());
        }
        if (from.getSecretKeyRef() != null) {
            SecretKeySelector ref = from.getSecretKeyRef();
            Secret secret = objects.secret(ns, ref.getName());
            String value = secret == null ? null : secretData(secret).get(ref.getKey());
            if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
                throw new PodStartException("env " + name + ": " + (secret == null
                        ? "secret \"" + ref.getName() + "\" not found"
                        : "couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName()));
            }
            return value;
        }
        if (from.getConfigMapKeyRef() != null) {
            ConfigMapKeySelector ref = from.getConfigMapKeyRef();
            ConfigMap map = objects.configMap(ns, ref.getName());
            String value = map == null || map.getData() == null ? null : map.getData().get(ref.getKey());
            if (value == null && !Boolean.TRUE.equals(ref.getOptional())) {
                throw new PodStartException("env " + name + ": " + (map == null
                        ? "configmap \"" + ref.getName() + "\" not found"
                        : "couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName()));
            }
            return value;
        }
        throw new PodStartException("env " + name + ": valueFrom " + from + " is not supported by the pod runner"
                + " (it supports fieldRef, secretKeyRef and configMapKeyRef)");
    }

    /** The downward API fields a kubelet resolves for env (the same paths, the same spelling). */
    private static String field(Pod pod, String name, String path) throws PodStartException {
        var meta = pod.getMetadata();
        var status = pod.getStatus();
        var m = LABEL_REF.matcher(path);
        if (m.matches()) {
            Map<String, String> values = m.group(1).equals("labels") ? meta.getLabels() : meta.getAnnotations();
            return values == null ? "" : values.getOrDefault(m.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> meta.getName();
            case "metadata.namespace" -> meta.getNamespace();
            case "metadata.uid" -> meta.getUid();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
            case "status.podIP" -> status == null ? "" : nullToEmpty(status.getPodIP());
            case "status.podIPs" -> status == null ? "" : list(status.getPodIPs()).stream().map(PodIP::getIp)
                    .collect(Collectors.joining(","));
            case "status.hostIP" -> status == null ? "" : nullToEmpty(status.getHostIP());
            default -> throw new PodStartException("env " + name + ": fieldRef " + path + " is not supported");
        };
    }

    /** A Secret's values as text (the API server returns {@code data} in base64). */
    static Map<String, String> secretData(Secret secret) {
        Map<String, String> out = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            out.putAll(secret.getStringData()); // only set on objects not yet written by the server
        }
        return out;
    }

    /**
     * Kubernetes' {@code expansion.Expand}: {@code $(NAME)} is replaced by its value when
     * {@code lookup} knows it and kept as written otherwise; {@code $$} is {@code $}; any other
     * {@code $} is kept.
     */
    static String expand(String input, Function<String, String> lookup) {
        StringBuilder out = new StringBuilder();
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != '$' || cursor + 1 >= input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int advance = 1;
            if (next == '$') {
                out.append('$');
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    out.append("$(");
                } else {
                    String name = input.substring(cursor + 2, close);
                    String value = lookup.apply(name);
                    out.append(value == null ? "$(" + name + ")" : value);
                    advance = close - cursor;
                }
            } else {
                out.append('$').append(next);
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        return out.append(input.substring(checkpoint)).toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? new ArrayList<>() : l;
    }
}
