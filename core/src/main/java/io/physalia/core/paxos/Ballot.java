package io.physalia.core.paxos;

import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import java.util.Comparator;

/**
 * A proposer's ballot: (round, proposer). Including the proposer's incarnation makes ballots
 * unique even when a node rejoins with fresh state and reuses a round number.
 */
public record Ballot(long round, Member proposer) implements Comparable<Ballot> {
    public static final Ballot ZERO = new Ballot(0, new Member(new NodeId(""), 0));
    private static final Comparator<Ballot> ORDER =
            Comparator.comparingLong(Ballot::round).thenComparing(Ballot::proposer);

    @Override
    public int compareTo(Ballot o) {
        return ORDER.compare(this, o);
    }

    public boolean isAfter(Ballot o) {
        return compareTo(o) > 0;
    }

    public boolean isAtLeast(Ballot o) {
        return compareTo(o) >= 0;
    }

    /** The smallest ballot of {@code proposer} that beats {@code seen}. */
    public static Ballot next(Ballot seen, Member proposer) {
        Ballot same = new Ballot(seen.round, proposer);
        return same.isAfter(seen) ? same : new Ballot(seen.round + 1, proposer);
    }

    @Override
    public String toString() {
        return round + "." + proposer;
    }
}
