package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.physalia.controlplane.MembershipSteps.Observation;
import io.physalia.controlplane.MembershipSteps.Step;
import io.physalia.core.cell.Member;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The steps of one membership change, as a script: each case is what the nodes would answer at a
 * point of the change (or after a crash there), and the step that must follow.
 */
class MembershipStepsTest {
    private static final Action REPAIR = new Action(7, ActionKind.REPAIR, "c", "blue", "n3", "n9", 0);
    private static final List<Member> BEFORE = members("n1@0", "n2@0", "n3@0");
    /** n9 added by the change at slot 11, so its incarnation is 12. */
    private static final List<Member> JOINED = members("n1@0", "n2@0", "n3@0", "n9@12");
    private static final List<Member> AFTER = members("n1@0", "n2@0", "n9@12");

    private static List<Member> members(String... texts) {
        return java.util.Arrays.stream(texts).map(Member::parse).toList();
    }

    private static Step next(List<Member> config, long best, String joinerHosts, long joinerApplied, boolean leavingHosts) {
        return MembershipSteps.next(REPAIR, new Observation(config, best,
                Optional.ofNullable(joinerHosts).map(Member::parse), joinerApplied, leavingHosts));
    }

    @Test
    void aFreshActionAddsTheJoiningNode() {
        assertEquals(new Step.Add("n9"), next(BEFORE, 10, null, -1, false));
    }

    @Test
    void noAnswerFromAnyMemberDecidesNothing() {
        assertInstanceOf(Step.Unreachable.class, next(List.of(), -1, null, -1, true));
    }

    @Test
    void anAppliedAddIsHostedWithTheConfigurationItJoins() {
        assertEquals(new Step.Host(Member.parse("n9@12"), JOINED), next(JOINED, 12, null, -1, false));
    }

    @Test
    void anOlderIncarnationOnTheJoiningNodeIsReplaced() {
        assertEquals(new Step.Host(Member.parse("n9@12"), JOINED), next(JOINED, 12, "n9@4", 9, false));
    }

    @Test
    void theNewMemberMustPassTheAddAndComeWithinASlotOfTheBest() {
        assertInstanceOf(Step.AwaitCatchUp.class, next(JOINED, 12, "n9@12", 11, false), "still at the add's slot");
        assertInstanceOf(Step.AwaitCatchUp.class, next(JOINED, 40, "n9@12", 36, false), "more than alpha behind the best old member");
        assertEquals(new Step.Remove(Member.parse("n3@0")), next(JOINED, 40, "n9@12", 37, false), "within alpha of the best");
    }

    @Test
    void oldMembersThatAnswerNothingDoNotHoldBackCatchUp() {
        assertEquals(new Step.Remove(Member.parse("n3@0")), next(JOINED, -1, "n9@12", 12, false));
    }

    @Test
    void afterTheRemoveTheLeavingReplicaIsDroppedThenTheActionIsDone() {
        assertEquals(new Step.Drop("n3"), next(AFTER, 41, "n9@12", 41, true));
        assertInstanceOf(Step.Done.class, next(AFTER, 41, "n9@12", 41, false));
    }

    @Test
    void afterTheRemoveANewMemberThatTrailsInAnIdleCellDoesNotHoldUpTheDrop() {
        assertEquals(new Step.Drop("n3"), next(AFTER, 60, "n9@12", 41, true));
    }

    @Test
    void aMoveWhoseLeavingMemberIsAlreadyGoneIsDoneOnceCaughtUp() {
        Action move = new Action(8, ActionKind.MOVE_CLOSER, "c", "blue", "n3", "n9", 0);
        assertInstanceOf(Step.Done.class, MembershipSteps.next(move,
                new Observation(AFTER, 50, Optional.of(Member.parse("n9@12")), 50, false)));
    }
}
