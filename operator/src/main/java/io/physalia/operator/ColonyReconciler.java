package io.physalia.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.physalia.crds.CellCounts;
import io.physalia.crds.Colony;
import io.physalia.crds.ColonyStatus;
import io.physalia.crds.Color;
import io.physalia.crds.ColorSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reconciles a Colony: its keyring Secret (created once, never overwritten), one Color resource
 * per color (created with {@code nodesPerColor} replicas; scaling a Color afterwards is the
 * Color's own business), the colony's runtime (the control plane that places its cells), the big
 * red button ({@code spec.paused} or the {@code physalia.io/paused} annotation) and a status that
 * sums up cells, actions and health.
 */
@ControllerConfiguration(name = "colony")
public final class ColonyReconciler implements Reconciler<Colony>, Cleaner<Colony> {
    static final Duration REFRESH = Duration.ofSeconds(3);
    static final String READY = "Ready";
    static final String PROGRESSING = "Progressing";
    static final String DEGRADED = "Degraded";
    static final String PAUSED = "Paused";

    private final Colonies colonies;
    private final EventRecorder events;
    private final RolloutDriver rollouts;

    ColonyReconciler(Colonies colonies, EventRecorder events, RolloutDriver rollouts) {
        this.colonies = colonies;
        this.events = events;
        this.rollouts = rollouts;
    }

    @Override
    public UpdateControl<Colony> reconcile(Colony colony, Context<Colony> context) {
        KubernetesClient client = context.getClient();
        ColonyStatus st = colony.getStatus() != null ? colony.getStatus() : new ColonyStatus();
        colony.setStatus(st);
        Long gen = colony.getMetadata().getGeneration();
        st.setObservedGeneration(gen);
        String ns = colony.getMetadata().getNamespace();
        String keyProblem = ensureKeyring(client, colony);
        for (String color : colony.getSpec().getColors()) {
            ensureColor(client, colony, color);
        }
        ColonyRuntime r = colonies.runtime(colony);
        String annotation = colony.getMetadata().getAnnotations() == null ? null
                : colony.getMetadata().getAnnotations().get(Names.PAUSED_ANNOTATION);
        boolean paused = Boolean.TRUE.equals(colony.getSpec().getPaused()) || annotation != null;
        String reason = Boolean.TRUE.equals(colony.getSpec().getPaused())
                ? (colony.getSpec().getPauseReason() == null || colony.getSpec().getPauseReason().isBlank() ? "spec.paused" : colony.getSpec().getPauseReason())
                : annotation == null || annotation.isBlank() ? "annotation " + Names.PAUSED_ANNOTATION : annotation;
        boolean wasPaused = Conditions.isTrue(st.getConditions(), PAUSED);
        r.applySpec(colony, paused, reason);
        if (paused != wasPaused) {
            if (paused) {
                events.warning(colony, "Paused", "every placement, repair and move stops: " + reason);
            } else {
                events.normal(colony, "Resumed", "placements, repairs and moves go on");
            }
        }
        st.setPaused(paused);
        st.setPauseReason(paused ? reason : null);
        Conditions.set(st.getConditions(), PAUSED, paused, paused ? "Paused" : "Running",
                paused ? "paused: " + reason : "the control plane acts", gen);

        Duration next = REFRESH;
        if (r.ready()) {
            try {
                Rollout.Decision d = rollouts.step(colony, r, paused);
                st.setRollout(d.status());
                r.reportRollout(d.status());
                next = Duration.ofMillis(Math.min(REFRESH.toMillis(), d.recheckMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String halted = st.getRollout() != null && Rollout.HALTED.equals(st.getRollout().getPhase())
                ? "rollout halted in color " + st.getRollout().getHaltedColor() + ": " + st.getRollout().getHaltReason() : null;

        ColonyRuntime.Summary s = r.summary();
        CellCounts counts = new CellCounts();
        Map<String, Integer> byPhase = s.cellsByPhase();
        counts.setPending(byPhase.getOrDefault("Pending", 0));
        counts.setPlaced(byPhase.getOrDefault("Placed", 0));
        counts.setReady(byPhase.getOrDefault("Ready", 0));
        counts.setDegraded(byPhase.getOrDefault("Degraded", 0));
        counts.setUnavailable(byPhase.getOrDefault("Unavailable", 0));
        counts.setTotal(byPhase.values().stream().mapToInt(Integer::intValue).sum());
        st.setCells(counts);
        st.setCellsByColor(new TreeMap<>(s.cellsByColor()));
        st.setActionsInFlight(s.inFlight());
        st.setLastActions(s.lastActions());

        TreeMap<String, String> suspect = r.healthSuspect();
        String degraded = keyProblem != null ? keyProblem
                : halted != null ? halted
                : !suspect.isEmpty() ? String.join("; ", suspect.values())
                : counts.getUnavailable() > 0 ? counts.getUnavailable() + " cells have no quorum answering"
                : null;
        Conditions.set(st.getConditions(), DEGRADED, degraded != null, degraded != null ? "Degraded" : "Healthy",
                degraded != null ? degraded : "no problem seen", gen);
        boolean rolling = st.getRollout() != null && st.getRollout().getColor() != null && halted == null;
        boolean progressing = !r.ready() || !s.inFlight().isEmpty() || rolling;
        Conditions.set(st.getConditions(), PROGRESSING, progressing,
                !r.ready() ? "Starting" : rolling ? "RollingOut" : progressing ? "ActionsInFlight" : "Idle",
                !r.ready() ? "waiting for " + r.waitingFor()
                        : rolling ? st.getRollout().getMessage() + "; " + s.inFlight().size() + " actions in flight"
                        : s.inFlight().size() + " actions in flight", gen);
        boolean ready = r.ready() && s.nodes() > 0 && s.healthyNodes() == s.nodes() && degraded == null;
        Conditions.set(st.getConditions(), READY, ready, ready ? "Ready" : "NotReady",
                r.ready() ? s.healthyNodes() + " of " + s.nodes() + " nodes healthy" : "waiting for " + r.waitingFor(), gen);
        return UpdateControl.patchStatus(colony).rescheduleAfter(next);
    }

    /** Creates the keyring Secret if there is none; returns what is wrong with an existing one, or null. */
    private String ensureKeyring(KubernetesClient client, Colony colony) {
        String ns = colony.getMetadata().getNamespace();
        Secret existing = client.secrets().inNamespace(ns).withName(Names.keyring(colony)).get();
        if (existing == null) {
            try {
                client.secrets().inNamespace(ns).resource(Keyring.create(colony)).create();
                events.normal(colony, "KeyringCreated", "Secret " + Names.keyring(colony) + " with a new random key");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return null;
        }
        try {
            Keyring.read(existing);
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private void ensureColor(KubernetesClient client, Colony colony, String color) {
        String ns = colony.getMetadata().getNamespace();
        String name = Names.color(colony.getMetadata().getName(), color);
        if (client.resources(Color.class).inNamespace(ns).withName(name).get() != null) {
            return;
        }
        Color c = new Color();
        c.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
                .withLabels(Map.of(Names.COLONY_LABEL, colony.getMetadata().getName(), Names.COLOR_LABEL, color))
                .withOwnerReferences(ColorResources.owner(colony))
                .build());
        ColorSpec spec = new ColorSpec();
        spec.setColony(colony.getMetadata().getName());
        spec.setColor(color);
        spec.setReplicas(colony.getSpec().getNodesPerColor());
        c.setSpec(spec);
        try {
            client.resources(Color.class).inNamespace(ns).resource(c).create();
            events.normal(colony, "ColorCreated", "Color " + name + " with " + spec.getReplicas() + " nodes");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    @Override
    public DeleteControl cleanup(Colony colony, Context<Colony> context) {
        colonies.remove(colony.getMetadata().getNamespace(), colony.getMetadata().getName());
        rollouts.forget(colony.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }
}
