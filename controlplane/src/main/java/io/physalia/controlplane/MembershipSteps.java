package io.physalia.controlplane;

import io.physalia.core.cell.Member;
import java.util.List;
import java.util.Optional;

/**
 * An engine {@link Action} carried out on the nodes as resumable steps, one member at a time: add
 * the joining node through the cell's leader, host its replica with the configuration it joins,
 * wait until it has caught up, remove the leaving member, drop the leaving replica, done. Pure:
 * {@link #next} looks only at what the nodes answered just now ({@link Observation}), so the step
 * after a crash, a lost answer or a restarted control plane is the right one without any memory
 * of earlier steps. {@code physalia local} loops over the steps; the operator takes one step per
 * reconcile and reschedules itself; neither sleeps waiting for an outcome.
 *
 * <p>An added member's incarnation is one more than the slot of the change that added it
 * (docs/node.md), so the add's slot, which catch-up is measured against, is read from the
 * configuration rather than remembered.
 */
public final class MembershipSteps {
    /**
     * After a remove, the removed member still counts in the configuration for alpha slots (the
     * idle leader fills them at once, ADR 0001): the drop waits this long, so the old
     * configuration keeps every voter until the change is in effect.
     */
    public static final long AFTER_REMOVE_MILLIS = 1000;
    /**
     * How far behind the best old member a new member may be and count as caught up: it must have
     * applied past the slot that added it, and be within the pipeline window (alpha, 3) of the best.
     * Members learn chosen slots from the next message, so in an idle cell a healthy member can
     * trail by a few slots until the next write; demanding more would wait forever there.
     */
    public static final long CATCH_UP_SLACK_SLOTS = 3;

    private MembershipSteps() {}

    /**
     * What the nodes say now.
     *
     * @param configuration the cell's latest configuration, as its leader (or else the most advanced
     *     member that answered) reports it; empty when no member other than the joining node answered
     * @param bestOtherAppliedUpTo the highest applied slot among the members other than the joining node
     * @param joinerHosted the member the joining node hosts for this cell, if it hosts one
     * @param joinerAppliedUpTo that replica's applied slot (meaningless without {@code joinerHosted})
     * @param leavingHosts whether the leaving node runs and still hosts a replica of the cell
     */
    public record Observation(List<Member> configuration, long bestOtherAppliedUpTo, Optional<Member> joinerHosted,
            long joinerAppliedUpTo, boolean leavingHosts) {
        public Observation {
            configuration = List.copyOf(configuration);
        }
    }

    /** The next thing to do for an action. */
    public sealed interface Step {
        /** One line for status views and events. */
        String describe();

        /** Ask the leader to add the joining node. */
        record Add(String node) implements Step {
            @Override
            public String describe() {
                return "adding " + node;
            }
        }

        /** Host the added member on its node, with the configuration it joins. */
        record Host(Member member, List<Member> configuration) implements Step {
            @Override
            public String describe() {
                return "hosting " + member.text();
            }
        }

        /** The new member is hosted and learning; look again later. */
        record AwaitCatchUp(Member member, String progress) implements Step {
            @Override
            public String describe() {
                return "waiting for " + member.text() + " to catch up (" + progress + ")";
            }
        }

        /** The new member caught up: ask the leader to remove the leaving member. */
        record Remove(Member member) implements Step {
            @Override
            public String describe() {
                return "removing " + member.text();
            }
        }

        /** The leaving member is out of the configuration: stop hosting it on its node. */
        record Drop(String node) implements Step {
            @Override
            public String describe() {
                return "dropping the replica on " + node;
            }
        }

        /** No member of the cell answers: nothing can be decided now. */
        record Unreachable() implements Step {
            @Override
            public String describe() {
                return "no member of the cell answers";
            }
        }

        /** The cell is on the joining node and the leaving node holds nothing of it. */
        record Done() implements Step {
            @Override
            public String describe() {
                return "done";
            }
        }
    }

    /** The step that moves {@code action} forward, given what the nodes answered just now. */
    public static Step next(Action action, Observation o) {
        if (o.configuration().isEmpty()) {
            return new Step.Unreachable();
        }
        Optional<Member> joiner = memberOf(o.configuration(), action.joining());
        if (joiner.isEmpty()) {
            return new Step.Add(action.joining());
        }
        Member joined = joiner.get();
        if (o.joinerHosted().isEmpty() || o.joinerHosted().get().incarnation() < joined.incarnation()) {
            return new Step.Host(joined, o.configuration());
        }
        Optional<Member> leaving = memberOf(o.configuration(), action.leaving());
        if (leaving.isEmpty()) {
            // removed, so the new member had caught up; an idle cell may leave it a few slots behind in what it
            // has learned (chosen slots are learned from the next message), which must not hold up the drop
            return o.leavingHosts() ? new Step.Drop(action.leaving()) : new Step.Done();
        }
        long addSlot = joined.incarnation() - 1;
        if (o.joinerAppliedUpTo() <= addSlot || o.joinerAppliedUpTo() + CATCH_UP_SLACK_SLOTS < o.bestOtherAppliedUpTo()) {
            return new Step.AwaitCatchUp(joined, "new member at " + o.joinerAppliedUpTo() + ", best old member at "
                    + o.bestOtherAppliedUpTo() + ", added at slot " + addSlot);
        }
        return new Step.Remove(leaving.get());
    }

    /** The member of {@code node} in {@code configuration}, if any. */
    public static Optional<Member> memberOf(List<Member> configuration, String node) {
        return configuration.stream().filter(m -> m.node().name().equals(node)).findFirst();
    }
}
