package io.physalia.controlplane;

import java.util.List;
import java.util.Map;

/**
 * Whether a node may be taken down now (restarted for a rollout, drained, evicted) without any of
 * its cells dropping below a quorum of caught-up replicas. A replica is caught up when its node
 * answers and it has applied within {@link MembershipSteps#CATCH_UP_SLACK_SLOTS} slots of the
 * most advanced member of its cell; a cell keeps a quorum without the node when a majority of its
 * members, not counting that node, are caught up. The most advanced member is counted whatever the
 * node, so a node that alone holds the newest slots is not "caught up" against a stale majority.
 *
 * <p>Pure: the caller gathers what the members answer; this only counts.
 */
public final class DisruptionCheck {
    private DisruptionCheck() {}

    /** One member of a cell as its node answered: {@code appliedUpTo} is -1 when it did not answer. */
    public record MemberState(String node, boolean answers, long appliedUpTo) {}

    /** The answer: safe, or the first cell that would lose its caught-up quorum, and why. */
    public record Verdict(boolean safe, String reason) {
        static final Verdict SAFE = new Verdict(true, "every cell keeps a caught-up quorum");
    }

    /**
     * @param node the node to take down
     * @param cells each cell {@code node} is a member of, with the state of every member (itself included)
     */
    public static Verdict withoutNode(String node, Map<String, List<MemberState>> cells) {
        for (Map.Entry<String, List<MemberState>> e : cells.entrySet()) {
            List<MemberState> members = e.getValue();
            int quorum = members.size() / 2 + 1;
            long best = members.stream().filter(MemberState::answers).mapToLong(MemberState::appliedUpTo).max().orElse(-1);
            int caughtUp = 0;
            for (MemberState m : members) {
                if (!m.node().equals(node) && caughtUp(m, best)) {
                    caughtUp++;
                }
            }
            if (caughtUp < quorum) {
                return new Verdict(false, "cell " + e.getKey() + " would keep " + caughtUp + " caught-up members of "
                        + members.size() + " without " + node + ", below its quorum of " + quorum);
            }
        }
        return Verdict.SAFE;
    }

    /** Whether a member answers and has applied within the slack of {@code best}. */
    public static boolean caughtUp(MemberState m, long best) {
        return m.answers() && m.appliedUpTo() >= 0 && m.appliedUpTo() + MembershipSteps.CATCH_UP_SLACK_SLOTS >= best;
    }
}
