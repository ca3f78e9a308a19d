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
        String cell = action.cellId();
        List<ReplicaStatus> answers = admin.replicas(cell, others);
        List<Member> configuration = answers.isEmpty() ? List.of() : answers.get(0).configuration();
        long best = answers.stream().mapToLong(ReplicaStatus::appliedUpTo).max().orElse(-1);
        Optional<ReplicaStatus> joiner = admin.replica(action.joining(), cell);
        boolean leavingHosts = leavingRunning && (others.contains(action.leaving())
                ? answers.stream().anyMatch(r -> r.node() != null && r.node().equals(action.leaving()))
                : admin.replica(action.leaving(), cell).isPresent());
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
        Step step = MembershipSteps.next(action, observe(action, others, leavingRunning));
        try {
            return perform(action, step, others);
        } catch (IOException e) {
            throw new StepFailed(step, e);
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
