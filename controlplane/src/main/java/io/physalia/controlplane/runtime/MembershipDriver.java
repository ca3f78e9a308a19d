package io.physalia.controlplane.runtime;

import io.physalia.client.admin.MembershipResult;
import io.physalia.client.admin.NodeAdmin;
import io.physalia.client.admin.ReplicaStatus;
import io.physalia.controlplane.Action;
import io.physalia.controlplane.MembershipSteps;
import io.physalia.controlplane.MembershipSteps.Observation;
import io.physalia.controlplane.MembershipSteps.Step;
import io.physalia.core.cell.Member;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Takes one step of an engine action on the real nodes: asks the nodes what they hold now
 * ({@link Observation}), lets {@link MembershipSteps#next} pick the step, and performs it through
 * the admin API. Each call is a few bounded admin calls and never waits for an outcome; the
 * caller looks again after {@link Taken#delayMillis()} (physalia local's workers schedule the
 * next step, the operator's reconciler reschedules itself). Shared by both adapters, so the local
 * colony runs the same steps as a cluster.
 */
public final class MembershipDriver {
    /** How soon to look again while the new member learns. */
    public static final long CATCH_UP_POLL_MILLIS = 200;
    /** How soon to look again after the leader refused a change (another one pending). */
    public static final long REFUSED_RETRY_MILLIS = 300;
    /** How soon to look again when no member answered. */
    public static final long UNREACHABLE_RETRY_MILLIS = 1000;

    private final NodeAdmin admin;

    public MembershipDriver(NodeAdmin admin) {
        this.admin = admin;
    }

    /**
     * What one call did.
     *
     * @param step the step taken (or found to be needed, for {@link Step.AwaitCatchUp} and {@link Step.Unreachable})
     * @param event a line worth an event (a change applied), or null
     * @param delayMillis how long to wait before the next call; meaningless after {@link Step.Done}
     */
    public record Taken(Step step, String event, long delayMillis) {
        public boolean done() {
            return step instanceof Step.Done;
        }
    }

    /** What the nodes say now about {@code action}'s cell; {@code others} are the members to ask, without the joining node. */
    public Observation observe(Action action, List<String> others, boolean leavingRunning) throws InterruptedException {
        return observe(action, others, leavingRunning, new CellAnswers(admin, action.cellId()));
    }

    /** As {@link #observe(Action, List, boolean)}, with what {@code answers} already holds from this pass. */
    public Observation observe(Action action, List<String> others, boolean leavingRunning, CellAnswers answers)
            throws InterruptedException {
        if (!answers.cell().equals(action.cellId())) {
            throw new IllegalArgumentException("answers about cell " + answers.cell() + " for an action on " + action.cellId());
        }
        List<ReplicaStatus> members = answers.of(others);
        List<Member> configuration = members.isEmpty() ? List.of() : members.get(0).configuration();
        long best = members.stream().mapToLong(ReplicaStatus::appliedUpTo).max().orElse(-1);
        Optional<ReplicaStatus> joiner = answers.of(action.joining());
        boolean leavingHosts = leavingRunning && answers.of(action.leaving()).isPresent();
        return new Observation(configuration, best, joiner.map(ReplicaStatus::member), joiner.map(ReplicaStatus::appliedUpTo).orElse(-1L),
                leavingHosts);
    }

    /** A step that failed on the nodes, and which step it was (a failed add may still have been chosen). */
    public static final class StepFailed extends IOException {
        private final transient Step step;

        StepFailed(Step step, IOException cause) {
            super(step.describe() + ": " + cause.getMessage(), cause);
            this.step = step;
        }

        public Step step() {
            return step;
        }
    }

    /** Observes and takes the next step. A step that fails throws {@link StepFailed}; the next call observes again. */
    public Taken takeStep(Action action, List<String> others, boolean leavingRunning) throws StepFailed, InterruptedException {
        return takeStep(action, others, leavingRunning, new CellAnswers(admin, action.cellId()));
    }

    /**
     * As {@link #takeStep(Action, List, boolean)}, observing through {@code answers}; a step that acts on
     * the nodes (or fails to) marks them {@link CellAnswers#changed() changed}, so what follows in the
     * pass asks again.
     */
    public Taken takeStep(Action action, List<String> others, boolean leavingRunning, CellAnswers answers)
            throws StepFailed, InterruptedException {
        Step step = MembershipSteps.next(action, observe(action, others, leavingRunning, answers));
        boolean acts = !(step instanceof Step.AwaitCatchUp || step instanceof Step.Unreachable || step instanceof Step.Done);
        try {
            return perform(action, step, others);
        } catch (IOException e) {
            throw new StepFailed(step, e);
        } finally {
            if (acts) {
                answers.changed();
            }
        }
    }

    private Taken perform(Action action, Step step, List<String> others) throws IOException, InterruptedException {
        String cell = action.cellId();
        return switch (step) {
            case Step.Add add -> {
                MembershipResult r = admin.changeMembership(cell, others, new NodeAdmin.Change.Add(add.node()));
                yield r.applied()
                        ? new Taken(step, "cell " + cell + ": added " + MembershipSteps.memberOf(r.pending(), add.node())
                                .map(Member::text).orElse(add.node()) + " at slot " + r.slot(), 0)
                        : new Taken(step, null, REFUSED_RETRY_MILLIS);
            }
            case Step.Host host -> {
                admin.join(cell, host.member(), host.configuration());
                yield new Taken(step, null, 0);
            }
            case Step.AwaitCatchUp wait -> new Taken(step, null, CATCH_UP_POLL_MILLIS);
            case Step.Remove remove -> {
                MembershipResult r = admin.changeMembership(cell, others, new NodeAdmin.Change.Remove(remove.member()));
                yield r.applied()
                        ? new Taken(step, "cell " + cell + ": removed " + remove.member().text(), MembershipSteps.AFTER_REMOVE_MILLIS)
                        : new Taken(step, null, REFUSED_RETRY_MILLIS);
            }
            case Step.Drop drop -> {
                admin.drop(drop.node(), cell);
                yield new Taken(step, null, 0);
            }
            case Step.Unreachable u -> new Taken(step, null, UNREACHABLE_RETRY_MILLIS);
            case Step.Done d -> new Taken(step, null, 0);
        };
    }
}
