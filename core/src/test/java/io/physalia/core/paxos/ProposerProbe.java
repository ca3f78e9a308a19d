package io.physalia.core.paxos;

import io.physalia.core.paxos.ProposerPhase.Candidate;
import io.physalia.core.paxos.ProposerPhase.Follower;
import io.physalia.core.paxos.ProposerPhase.Leader;
import java.util.stream.Collectors;

/** Test-only view of a replica's proposer phase, as stable text for the role scripts. */
public final class ProposerProbe {
    private ProposerProbe() {}

    public static String describe(Replica r) {
        return switch (r.proposerPhase()) {
            case Follower f -> f.backoffUntilMillis() == ProposerPhase.NO_BACKOFF ? "follower"
                    : "follower backoff-until=" + f.backoffUntilMillis();
            case Candidate c -> c.backingOff
                    ? "candidate " + c.ballot + " backing-off until=" + c.backoffUntilMillis
                    : "candidate " + c.ballot + " promises=" + c.promises.keySet();
            case Leader l -> "leader " + l.ballot + " next=" + l.nextSlot + " in-flight="
                    + l.inFlight.keySet().stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"))
                    + (l.leaseUntilMillis > 0 ? " lease-until=" + l.leaseUntilMillis : "");
        };
    }
}
