package io.physalia.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.client.admin.ColonyKeys;
import io.physalia.crds.Cell;
import io.physalia.crds.Colony;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The operator's colonies: one {@link ColonyRuntime} per Colony resource, created by the Colony
 * reconciler and found by the Cell and Color reconcilers.
 */
final class Colonies implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Colonies.class.getName());

    private final KubernetesClient client;
    private final CellNudges nudges;
    private final Map<String, ColonyRuntime> byKey = new ConcurrentHashMap<>();

    Colonies(KubernetesClient client, CellNudges nudges) {
        this.client = client;
        this.nudges = nudges;
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** The colony's runtime, started on first use. */
    ColonyRuntime runtime(Colony colony) {
        String ns = colony.getMetadata().getNamespace();
        return byKey.computeIfAbsent(key(ns, colony.getMetadata().getName()),
                k -> new ColonyRuntime(client, colony, () -> adminToken(ns, Names.keyring(colony)), cell -> nudges.nudge(ns, cell)));
    }

    Optional<ColonyRuntime> find(String namespace, String name) {
        return Optional.ofNullable(byKey.get(key(namespace, name)));
    }

    /**
     * The colony a Cell belongs to: {@code spec.colony}, or the namespace's only colony. Empty when
     * there is none, or several and the Cell names none (the reconciler says which).
     */
    Optional<ColonyRuntime> forCell(Cell cell) {
        String ns = cell.getMetadata().getNamespace();
        String named = cell.getSpec() == null ? null : cell.getSpec().getColony();
        if (named != null) {
            return find(ns, named);
        }
        List<ColonyRuntime> here = byKey.values().stream().filter(r -> r.namespace().equals(ns)).toList();
        return here.size() == 1 ? Optional.of(here.get(0)) : Optional.empty();
    }

    /** Every colony's runtime now. */
    List<ColonyRuntime> all() {
        return List.copyOf(byKey.values());
    }

    List<String> namesIn(String namespace) {
        return byKey.values().stream().filter(r -> r.namespace().equals(namespace)).map(ColonyRuntime::name).sorted().toList();
    }

    /** The colony is gone: its runtime stops (its pods and Secret go with it by owner references). */
    void remove(String namespace, String name) {
        ColonyRuntime r = byKey.remove(key(namespace, name));
        if (r != null) {
            r.close();
        }
    }

    /** How long an admin token read from the keyring Secret is used before it is read again (a rotation is followed within it). */
    static final long TOKEN_TTL_MILLIS = 5000;

    private record Token(String value, long readAtMillis) {}

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    /** From the keyring Secret, read again every few seconds; empty (admin calls fail) while it is unreadable. */
    private String adminToken(String namespace, String secret) {
        long now = System.currentTimeMillis();
        Token t = tokens.get(key(namespace, secret));
        if (t != null && now - t.readAtMillis() < TOKEN_TTL_MILLIS) {
            return t.value();
        }
        String value = readToken(namespace, secret);
        tokens.put(key(namespace, secret), new Token(value, now));
        return value;
    }

    private String readToken(String namespace, String secret) {
        Secret s = client.secrets().inNamespace(namespace).withName(secret).get();
        if (s == null) {
            return "";
        }
        try {
            ColonyKeys keys = Keyring.read(s);
            return keys.adminToken();
        } catch (IOException e) {
            LOG.warning(e.getMessage());
            return "";
        }
    }

    @Override
    public void close() {
        byKey.values().forEach(ColonyRuntime::close);
        byKey.clear();
    }
}
