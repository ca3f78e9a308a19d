package io.physalia.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.physalia.crds.Colony;
import io.physalia.crds.Color;
import io.physalia.crds.ColorNode;
import io.physalia.crds.ColorPhase;
import io.physalia.crds.ColorStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reconciles a Color: applies its StatefulSet, headless Service and PodDisruptionBudget
 * ({@link ColorResources}, by server-side apply, so a field the operator does not set is left to
 * whoever set it) and reports the color's nodes: which pods run, on which Kubernetes node, at
 * which version, and whether the operator's own health checks pass.
 */
@ControllerConfiguration(name = "color")
public final class ColorReconciler implements Reconciler<Color> {
    /** The color's objects are applied again, and its nodes reported, this often (health changes show within it). */
    static final Duration REFRESH = Duration.ofSeconds(5);
    static final String FIELD_MANAGER = "physalia-operator";

    private final Colonies colonies;

    ColorReconciler(Colonies colonies) {
        this.colonies = colonies;
    }

    @Override
    public UpdateControl<Color> reconcile(Color color, Context<Color> context) {
        KubernetesClient client = context.getClient();
        ColorStatus st = color.getStatus() != null ? color.getStatus() : new ColorStatus();
        color.setStatus(st);
        Long gen = color.getMetadata().getGeneration();
        st.setObservedGeneration(gen);
        String ns = color.getMetadata().getNamespace();
        Colony colony = client.resources(Colony.class).inNamespace(ns).withName(color.getSpec().getColony()).get();
        if (colony == null) {
            Conditions.set(st.getConditions(), "Ready", false, "NoColony", "spec.colony: no Colony '" + color.getSpec().getColony()
                    + "' in namespace " + ns, gen);
            return UpdateControl.patchStatus(color).rescheduleAfter(REFRESH);
        }
        if (!colony.getSpec().getColors().contains(color.getSpec().getColor())) {
            Conditions.set(st.getConditions(), "Ready", false, "NotInColony", "spec.color '" + color.getSpec().getColor()
                    + "' is not among Colony " + colony.getMetadata().getName() + "'s colors " + colony.getSpec().getColors()
                    + "; its nodes are kept (they may hold cells) until it is deleted", gen);
            return UpdateControl.patchStatus(color).rescheduleAfter(REFRESH);
        }
        apply(client, ColorResources.headlessService(colony, color));
        apply(client, ColorResources.nodeSettings(colony)); // before the pods that mount it
        apply(client, ColorResources.statefulSet(colony, color));

        String colonyName = colony.getMetadata().getName();
        String colorName = color.getSpec().getColor();
        long surveyedAtMillis = System.currentTimeMillis();
        List<Pod> pods = client.pods().inNamespace(ns).withLabels(ColorResources.selector(colonyName, colorName)).list().getItems();
        Optional<ColonyRuntime> runtime = colonies.find(ns, colonyName);
        String closed = budgetClosedBecause(colony, color, pods, runtime, surveyedAtMillis);
        apply(client, ColorResources.disruptionBudget(colony, color, closed == null));
        Conditions.set(st.getConditions(), "DisruptionAllowed", closed == null, closed == null ? "EveryCellKeepsQuorum" : "Unsafe",
                closed == null ? "any one node pod may be evicted: every cell keeps a caught-up quorum without it" : closed, gen);
        List<ColorNode> nodes = new ArrayList<>();
        TreeSet<String> versions = new TreeSet<>();
        int ready = 0;
        for (Pod p : pods.stream().sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList()) {
            ColorNode n = new ColorNode();
            n.setName(p.getMetadata().getName());
            n.setNode(p.getSpec().getNodeName());
            String v = p.getMetadata().getLabels().get(Names.VERSION_LABEL);
            n.setVersion(v);
            versions.add(v == null ? "" : v);
            boolean ok = runtime.map(r -> r.healthy(p.getMetadata().getName())).orElse(false);
            n.setReady(ok);
            ready += ok ? 1 : 0;
            nodes.add(n);
        }
        int replicas = color.getSpec().getReplicas();
        st.setNodes(nodes);
        st.setReplicas(pods.size());
        st.setReadyReplicas(ready);
        st.setReady(ready + "/" + replicas);
        st.setVersion(versions.size() == 1 ? versions.first() : versions.isEmpty() ? null : "mixed");
        st.setSelector(ColorResources.selector(colonyName, colorName).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        st.setPaused(runtime.map(ColonyRuntime::paused).orElse(false));
        var rollout = colony.getStatus() == null ? null : colony.getStatus().getRollout();
        ColorPhase phase = rollout == null ? ColorPhase.Stable
                : Rollout.HALTED.equals(rollout.getPhase()) && colorName.equals(rollout.getHaltedColor()) ? ColorPhase.Halted
                : colorName.equals(rollout.getColor()) ? ColorPhase.RollingOut
                : ColorPhase.Stable;
        st.setPhase(phase);
        Conditions.set(st.getConditions(), "RolledOut", phase == ColorPhase.Stable, phase.name(),
                phase == ColorPhase.Halted ? "rollout halted: " + rollout.getHaltReason()
                        : phase == ColorPhase.RollingOut ? rollout.getMessage()
                        : "runs " + ColorResources.version(colony, color), gen);
        boolean allReady = ready == replicas && pods.size() == replicas;
        Conditions.set(st.getConditions(), "Ready", allReady, allReady ? "NodesHealthy" : "NodesMissing",
                ready + " of " + replicas + " nodes pass the operator's health checks", gen);
        return UpdateControl.patchStatus(color).rescheduleAfter(REFRESH);
    }

    /** Why no node pod of the color may be evicted now, or null when any one may. */
    private static String budgetClosedBecause(Colony colony, Color color, List<Pod> pods, Optional<ColonyRuntime> runtime, long surveyedAtMillis) {
        if (runtime.isEmpty() || !runtime.get().ready()) {
            return "the operator has not taken back the colony's cells yet";
        }
        ColonyRuntime r = runtime.get();
        var rollout = colony.getStatus() == null ? null : colony.getStatus().getRollout();
        if (rollout != null && rollout.getRestarting() != null && color.getSpec().getColor().equals(rollout.getColor())) {
            return "the rollout restarts pod " + rollout.getRestarting().getPod();
        }
        if (pods.size() < color.getSpec().getReplicas()) {
            return pods.size() + " of " + color.getSpec().getReplicas() + " node pods exist";
        }
        ColorSurvey survey = ColorSurvey.of(r, pods.stream().map(p -> p.getMetadata().getName()).toList());
        for (Pod p : pods) {
            String n = p.getMetadata().getName();
            if (p.getMetadata().getDeletionTimestamp() != null) {
                return "pod " + n + " is being deleted";
            }
            if (!survey.caughtUp(n)) {
                return "pod " + n + " is not up with every replica caught up";
            }
            var v = survey.withoutNode(n);
            if (!v.safe()) {
                return v.reason();
            }
        }
        if (r.podChangedAtMillis(color.getSpec().getColor()) >= surveyedAtMillis) {
            return "a pod of the color changed while it was surveyed";
        }
        return null;
    }

    private static void apply(KubernetesClient client, io.fabric8.kubernetes.api.model.HasMetadata desired) {
        client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
}
