package io.physalia.operator;

import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.physalia.client.admin.ReplicaStatus;
import io.physalia.controlplane.Action;
import io.physalia.controlplane.ActionKind;
import io.physalia.controlplane.MembershipSteps;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.runtime.CellAnswers;
import io.physalia.controlplane.runtime.MembershipDriver;
import io.physalia.crds.Cell;
import io.physalia.crds.CellMember;
import io.physalia.crds.CellPhase;
import io.physalia.crds.CellStatus;
import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Reconciles a Cell: places it through its colony's engine, records the placement in its status,
 * hosts the founding replicas through the nodes' admin API, takes the steps of the membership
 * change the engine issued for it (one step per reconcile, then a reschedule: no reconciler thread
 * waits for a node), and reports members, leader and readiness. A deleted Cell's replicas are
 * dropped before its finalizer goes.
 *
 * <p>Durable first: a placement, and an action in flight, are written to the status before any
 * node is asked to act on them, so a restarted operator takes them back ({@link ColonyRuntime}).
 */
@ControllerConfiguration(name = "cell")
public final class CellReconciler implements Reconciler<Cell>, Cleaner<Cell> {
    /**
     * How often a cell at rest (Ready, fully replicated, no action) is looked at. Health changes of
     * its members, the engine's actions and a new leader (the runtime surveys every node's replicas
     * in one call each) nudge it at once, so this only bounds how long a problem neither sees goes
     * unnoticed; at 10,000 cells it costs 33 reconciles a second.
     */
    static final Duration AT_REST = Duration.ofMinutes(5);
    /** How often a cell that is not at rest is looked at. */
    static final Duration UNSETTLED = Duration.ofSeconds(30);
    static final Duration WAITING = Duration.ofSeconds(2);
    static final Duration REFUSED = Duration.ofSeconds(10);
    static final Duration NEXT_STEP = Duration.ofMillis(200);
    static final String PLACED = "Placed";
    static final String READY = "Ready";
    static final String FULL_REPLICATION = "FullReplication";

    private final io.fabric8.kubernetes.client.KubernetesClient client;
    private final Colonies colonies;
    private final EventRecorder events;
    private final CellNudges nudges;

    CellReconciler(io.fabric8.kubernetes.client.KubernetesClient client, Colonies colonies, EventRecorder events, CellNudges nudges) {
        this.client = client;
        this.colonies = colonies;
        this.events = events;
        this.nudges = nudges;
    }

    @Override
    public List<EventSource<?, Cell>> prepareEventSources(EventSourceContext<Cell> context) {
        return List.of(nudges);
    }

    @Override
    public UpdateControl<Cell> reconcile(Cell cell, Context<Cell> context) throws InterruptedException {
        String before = cell.getStatus() == null ? null : io.fabric8.kubernetes.client.utils.Serialization.asJson(cell.getStatus());
        UpdateControl<Cell> control = decide(cell);
        if (control.isPatchStatus() && before != null && before.equals(io.fabric8.kubernetes.client.utils.Serialization.asJson(cell.getStatus()))) {
            // nothing changed: no write to the API server (at rest, this is almost every reconcile)
            UpdateControl<Cell> none = UpdateControl.noUpdate();
            control.getScheduleDelay().ifPresent(none::rescheduleAfter);
            return none;
        }
        return control;
    }

    private UpdateControl<Cell> decide(Cell cell) throws InterruptedException {
        CellStatus st = cell.getStatus() != null ? cell.getStatus() : new CellStatus();
        cell.setStatus(st);
        Long gen = cell.getMetadata().getGeneration();
        st.setObservedGeneration(gen);
        String name = cell.getMetadata().getName();
        Optional<ColonyRuntime> found = colonies.forCell(cell);
        if (found.isEmpty()) {
            if (colonyExists(cell)) {
                // the Colony's reconciler has not started its runtime yet (an operator just started): wait, quietly
                return pending(cell, "WaitingForColony", "the colony's control plane is starting");
            }
            return refused(cell, "NoColony", noColony(cell), REFUSED);
        }
        ColonyRuntime r = found.get();
        if (!r.ready()) {
            return pending(cell, "WaitingForFleet", "colony " + r.name() + " waits for " + r.waitingFor());
        }
        var colony = r.spec();
        String color = cell.getSpec() == null ? null : cell.getSpec().getColor();
        if (color != null && !colony.getColors().contains(color)) {
            return refused(cell, "UnknownColor", "spec.color '" + color + "' is not a color of Colony " + r.name() + " (colors: "
                    + colony.getColors() + ")", REFUSED);
        }
        int size = cell.getSpec() != null && cell.getSpec().getSize() != null ? cell.getSpec().getSize() : colony.getCellDefaults().getSize();
        List<Location> clients;
        try {
            clients = r.resolveClients(cell);
        } catch (IllegalArgumentException e) {
            return refused(cell, "UnknownClientLocation", e.getMessage(), REFUSED);
        }
        Optional<ColonyRuntime.CellModel> model = r.cell(name);
        if (model.isEmpty()) {
            if (!st.getMembers().isEmpty()) {
                return refused(cell, "PlacementNotTakenBack", "status lists members " + names(st) + " that colony " + r.name()
                        + " did not take back at start; the operator leaves the cell alone", AT_REST);
            }
            return place(cell, r, color, size, clients);
        }
        ColonyRuntime.CellModel m = model.get();
        if (!m.clients().equals(clients)) {
            r.moveClients(name, clients);
            events.normal(cell, "ClientsMoved", "clients now in " + clients.stream().map(Location::rack).toList()
                    + (r.paused() ? "; the cell moves closer after the colony is resumed" : "; moving the cell closer, one member at a time"));
            m = r.cell(name).orElseThrow();
        }
        Duration next = AT_REST;
        CellAnswers answers = new CellAnswers(r.admin(), name); // this reconcile's: each member asked once
        if (m.action().isPresent()) {
            Action a = m.action().get();
            if (!ActionRecords.same(st.getAction(), a)) {
                st.setAction(ActionRecords.of(a, null));
                writeMembers(st, r, m);
                events.normal(cell, a.kind() == ActionKind.REPAIR ? "RepairStarted" : "MoveStarted",
                        "replacing " + a.leaving() + " with " + a.joining() + " (action #" + a.id() + ")");
                return UpdateControl.patchStatus(cell).rescheduleAfter(NEXT_STEP); // recorded before any node acts on it
            }
            next = r.paused() ? WAITING : step(cell, r, a, answers);
            m = r.cell(name).orElseThrow();
        } else if (st.getAction() != null) {
            st.setAction(null);
        }
        writeMembers(st, r, m);
        if (!Boolean.TRUE.equals(st.getHosted()) && m.action().isEmpty() && !r.paused()) {
            hostFounding(cell, r, m);
            answers.changed(); // the founding replicas may be hosted now
            if (!Boolean.TRUE.equals(st.getHosted())) {
                next = WAITING;
            }
        }
        observe(cell, r, m, size, answers);
        if (!Conditions.isTrue(st.getConditions(), READY) && next.compareTo(WAITING) > 0) {
            next = WAITING;
        } else if (!Conditions.isTrue(st.getConditions(), FULL_REPLICATION) && next.compareTo(UNSETTLED) > 0) {
            next = UNSETTLED;
        }
        return UpdateControl.patchStatus(cell).rescheduleAfter(next);
    }

    /** Whether a Colony the Cell may belong to exists in its namespace (its runtime may not have started yet). */
    private boolean colonyExists(Cell cell) {
        String ns = cell.getMetadata().getNamespace();
        String named = cell.getSpec() == null ? null : cell.getSpec().getColony();
        var colonies = client.resources(io.physalia.crds.Colony.class).inNamespace(ns);
        return named != null ? colonies.withName(named).get() != null : !colonies.list().getItems().isEmpty();
    }

    private String noColony(Cell cell) {
        String ns = cell.getMetadata().getNamespace();
        String named = cell.getSpec() == null ? null : cell.getSpec().getColony();
        List<String> names = colonies.namesIn(ns);
        if (named != null) {
            return "spec.colony: no Colony '" + named + "' in namespace " + ns + (names.isEmpty() ? "" : " (colonies: " + names + ")");
        }
        return names.isEmpty() ? "no Colony in namespace " + ns
                : "namespace " + ns + " has several Colonies " + names + ": spec.colony must name one";
    }

    private UpdateControl<Cell> place(Cell cell, ColonyRuntime r, String color, int size, List<Location> clients) {
        CellStatus st = cell.getStatus();
        String name = cell.getMetadata().getName();
        if (r.paused()) {
            return pending(cell, "Paused", "colony " + r.name() + " is paused: no cell is placed until it is resumed");
        }
        PlacementResult result = r.place(name, Optional.ofNullable(color), size, clients);
        if (result instanceof PlacementResult.Refused refused) {
            // placement is tried again on the next reconcile: the fleet may have grown or healed meanwhile
            return refused(cell, "Refused", refused.summary(), REFUSED);
        }
        PlacementResult.Placed p = (PlacementResult.Placed) result;
        ColonyRuntime.CellModel m = r.cell(name).orElseThrow();
        writeMembers(st, r, m);
        st.setHosted(false);
        st.setPhase(CellPhase.Placed);
        Conditions.set(st.getConditions(), PLACED, true, "Placed", "placed in row " + p.row() + " on " + p.members(), st.getObservedGeneration());
        Conditions.set(st.getConditions(), READY, false, "Hosting", "the founding replicas are being hosted", st.getObservedGeneration());
        events.normal(cell, "Placed", "color " + p.color() + ", row " + p.row() + ", members " + p.members());
        r.reportPhase(name, CellPhase.Placed.name(), p.color(), null);
        return UpdateControl.patchStatus(cell).rescheduleAfter(NEXT_STEP); // recorded before any node hosts it
    }

    private static void writeMembers(CellStatus st, ColonyRuntime r, ColonyRuntime.CellModel m) {
        List<CellMember> before = st.getMembers();
        List<CellMember> members = new ArrayList<>();
        for (String n : m.members()) {
            CellMember cm = before.stream().filter(x -> n.equals(x.getNode())).findFirst().orElseGet(CellMember::new);
            cm.setNode(n);
            Optional<NodeTopology> t = r.topology(n);
            t.ifPresent(x -> {
                cm.setRack(x.rack());
                cm.setPower(x.power());
            });
            members.add(cm);
        }
        st.setMembers(members);
        st.setColor(m.color());
        st.setRow(m.row());
    }

    private static List<String> names(CellStatus st) {
        return st.getMembers().stream().map(CellMember::getNode).toList();
    }

    /** One step of the action in flight; returns how soon to look again. */
    private Duration step(Cell cell, ColonyRuntime r, Action a, CellAnswers answers) throws InterruptedException {
        CellStatus st = cell.getStatus();
        try {
            MembershipDriver.Taken t = r.takeStep(a, answers);
            if (t.event() != null) {
                events.normal(cell, "MembershipChanged", t.event());
            }
            if (t.done()) {
                String detail = "now on " + a.joining() + " instead of " + a.leaving();
                r.finish(a, true, detail);
                st.setAction(null);
                events.normal(cell, a.kind() == ActionKind.REPAIR ? "Repaired" : "MovedCloser", detail + " (action #" + a.id() + ")");
                return NEXT_STEP;
            }
            st.getAction().setDetail(t.step().describe());
            return Duration.ofMillis(Math.max(NEXT_STEP.toMillis(), t.delayMillis()));
        } catch (IOException e) {
            st.getAction().setDetail("step failed, trying again: " + e.getMessage());
            events.warning(cell, "StepFailed", "action #" + a.id() + ": " + e.getMessage());
            return WAITING;
        }
    }

    private void hostFounding(Cell cell, ColonyRuntime r, ColonyRuntime.CellModel m) throws InterruptedException {
        String name = cell.getMetadata().getName();
        if (!r.ensurePeers(m.members())) {
            return; // a member is not reachable yet: it learns its peers first, then hosts
        }
        List<String> failed = new ArrayList<>();
        for (String n : m.members()) {
            try {
                r.admin().hostFounding(n, name, m.members());
            } catch (IOException e) {
                failed.add(n + ": " + e.getMessage());
            }
        }
        if (failed.isEmpty()) {
            cell.getStatus().setHosted(true);
            events.normal(cell, "Hosted", "founding replicas hosted on " + m.members());
        } else {
            Conditions.set(cell.getStatus().getConditions(), READY, false, "Hosting", "hosting the founding replicas: " + failed,
                    cell.getStatus().getObservedGeneration());
        }
    }

    /**
     * Asks the members how they are: incarnations, leader, who has caught up; sets phase and
     * conditions. A member the action's step just asked (and that nothing changed since) is not
     * asked again.
     */
    private void observe(Cell cell, ColonyRuntime r, ColonyRuntime.CellModel m, int size, CellAnswers asked) throws InterruptedException {
        CellStatus st = cell.getStatus();
        Long gen = st.getObservedGeneration();
        List<ReplicaStatus> answers = asked.of(m.members());
        long best = answers.stream().mapToLong(ReplicaStatus::appliedUpTo).max().orElse(-1);
        String leader = answers.stream().filter(ReplicaStatus::leader).map(ReplicaStatus::node).findFirst().orElse(null);
        int caughtUp = 0;
        for (CellMember cm : st.getMembers()) {
            Optional<ReplicaStatus> a = answers.stream().filter(x -> cm.getNode().equals(x.node())).findFirst();
            cm.setIncarnation(a.map(x -> x.member().incarnation()).orElse(cm.getIncarnation()));
            boolean ok = a.isPresent() && a.get().stopped() == null
                    && a.get().appliedUpTo() + MembershipSteps.CATCH_UP_SLACK_SLOTS >= best;
            cm.setCaughtUp(ok);
            caughtUp += ok ? 1 : 0;
        }
        st.setLeader(leader);
        int members = m.members().size();
        st.setMembersReady(caughtUp + "/" + members);
        int quorum = members / 2 + 1;
        boolean hosted = Boolean.TRUE.equals(st.getHosted());
        Conditions.set(st.getConditions(), PLACED, true, "Placed", "in row " + m.row() + " on " + m.members(), gen);
        CellPhase phase;
        if (!hosted) {
            phase = CellPhase.Placed;
        } else if (answers.size() < quorum) {
            phase = CellPhase.Unavailable;
            changed(cell, READY, false, "NoQuorum", answers.size() + " of " + members + " members answer; a quorum is " + quorum);
        } else {
            phase = caughtUp == members && members == size ? CellPhase.Ready : CellPhase.Degraded;
            changed(cell, READY, true, "QuorumAnswers", answers.size() + " of " + members + " members answer"
                    + (leader == null ? "; no leader yet (an idle cell elects one on demand)" : "; leader " + leader));
        }
        Conditions.set(st.getConditions(), FULL_REPLICATION, hosted && caughtUp == members && members == size,
                caughtUp == members ? "AllCaughtUp" : "MembersBehind", caughtUp + " of " + members + " members caught up"
                        + (st.getAction() != null ? "; " + st.getAction().getDetail() : ""), gen);
        st.setPhase(phase);
        r.reportPhase(cell.getMetadata().getName(), phase.name(), m.color(), leader);
    }

    /** Sets a condition, with an Event when its status flips. */
    private void changed(Cell cell, String type, boolean status, String reason, String message) {
        CellStatus st = cell.getStatus();
        boolean was = Conditions.isTrue(st.getConditions(), type);
        boolean known = Conditions.find(st.getConditions(), type).isPresent();
        Conditions.set(st.getConditions(), type, status, reason, message, st.getObservedGeneration());
        if (known && was != status) {
            if (status) {
                events.normal(cell, reason, message);
            } else {
                events.warning(cell, reason, message);
            }
        }
    }

    private UpdateControl<Cell> pending(Cell cell, String reason, String message) {
        CellStatus st = cell.getStatus();
        if (st.getMembers().isEmpty()) {
            st.setPhase(CellPhase.Pending);
        }
        Conditions.set(st.getConditions(), PLACED, st.getMembers().isEmpty() ? Conditions.FALSE : Conditions.TRUE, reason, message,
                st.getObservedGeneration());
        return UpdateControl.patchStatus(cell).rescheduleAfter(WAITING);
    }

    /** What the schema could not refuse: a condition and an Event (when the reason is new), never a crash loop. */
    private UpdateControl<Cell> refused(Cell cell, String reason, String message, Duration retry) {
        CellStatus st = cell.getStatus();
        boolean isNew = Conditions.find(st.getConditions(), PLACED).map(c -> !reason.equals(c.getReason())).orElse(true);
        if (st.getMembers().isEmpty()) {
            st.setPhase(CellPhase.Pending);
        }
        Conditions.set(st.getConditions(), PLACED, false, reason, message, st.getObservedGeneration());
        if (isNew) {
            events.warning(cell, reason, message);
        }
        return UpdateControl.patchStatus(cell).rescheduleAfter(retry);
    }

    @Override
    public DeleteControl cleanup(Cell cell, Context<Cell> context) throws InterruptedException {
        Optional<ColonyRuntime> found = colonies.forCell(cell);
        String name = cell.getMetadata().getName();
        if (found.isEmpty()) {
            if (colonyExists(cell)) {
                // its runtime is not up yet (an operator just started): drop the replicas once it is
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(WAITING.toMillis());
            }
            return DeleteControl.defaultDelete(); // no colony, no nodes to drop replicas from
        }
        ColonyRuntime r = found.get();
        if (!r.ready()) {
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(WAITING.toMillis());
        }
        LinkedHashSet<String> nodes = new LinkedHashSet<>();
        r.cell(name).ifPresent(m -> {
            nodes.addAll(m.members());
            m.action().ifPresent(a -> nodes.add(a.leaving()));
        });
        if (cell.getStatus() != null) {
            nodes.addAll(names(cell.getStatus()));
        }
        List<String> left = new ArrayList<>();
        for (String n : nodes) {
            if (!r.healthy(n)) {
                left.add(n); // down: its replica stays in its log until the node is wiped or replaced
                continue;
            }
            try {
                r.admin().drop(n, name);
            } catch (IOException e) {
                left.add(n);
            }
        }
        r.forget(name);
        events.normal(cell, "Deleted", "replicas dropped on " + nodes.stream().filter(n -> !left.contains(n)).toList()
                + (left.isEmpty() ? "" : "; not reachable, left as they are: " + left));
        return DeleteControl.defaultDelete();
    }
}
