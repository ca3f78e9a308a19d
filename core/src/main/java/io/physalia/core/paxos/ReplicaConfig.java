package io.physalia.core.paxos;

import io.physalia.core.cell.CellLimits;

/**
 * Tunables of one replica. {@code alpha} is part of the protocol: every replica of a cell must
 * use the same value (it decides from which slot a membership change counts).
 *
 * @param alpha                  pipeline window and configuration delay (paper: 3)
 * @param maxQueuedCommands      commands waiting for a slot; beyond this the cell answers OVERLOADED
 * @param retransmitMillis       resend unanswered Prepare/Accept after this long
 * @param electionBackoffMaxMillis a preempted candidate waits a random time up to this
 * @param leaderLeaseMillis      leader lease for local linearizable reads (0: always read through the log)
 * @param requestTimeoutMillis   a request gets an answer within this long, whatever happens
 * @param teachRetryMillis       ask another teacher after this long
 * @param whackAMoleAfterMillis  propose into a hole nobody taught after this long (plus jitter of the same size)
 * @param snapshotEverySlots     write a snapshot record after this many applied slots
 * @param retainLogSlots         chosen values kept for log-based teaching
 * @param maxTeachLogSlots       most slots in one TeachLog message
 */
public record ReplicaConfig(int alpha, CellLimits limits, int maxQueuedCommands, long retransmitMillis,
                            long electionBackoffMaxMillis, long leaderLeaseMillis, long requestTimeoutMillis,
                            long teachRetryMillis, long whackAMoleAfterMillis, int snapshotEverySlots,
                            int retainLogSlots, int maxTeachLogSlots) {

    public static final ReplicaConfig DEFAULT =
            new ReplicaConfig(3, CellLimits.DEFAULT, 256, 40, 100, 1000, 3000, 60, 400, 1024, 256, 256);

    /** Acceptors refuse rival proposers for this many times a lease (the clock-rate assumption). */
    public static final int CLOCK_RATE_BOUND = 3;

    public ReplicaConfig {
        if (limits == null) {
            throw new IllegalArgumentException("limits are required");
        }
        requireAtLeast("alpha", alpha, 1);
        requireAtLeast("maxQueuedCommands", maxQueuedCommands, 1);
        requireAtLeast("retransmitMillis", retransmitMillis, 1);
        requireAtLeast("electionBackoffMaxMillis", electionBackoffMaxMillis, 1);
        requireAtLeast("leaderLeaseMillis", leaderLeaseMillis, 0);
        requireAtLeast("requestTimeoutMillis", requestTimeoutMillis, retransmitMillis);
        requireAtLeast("teachRetryMillis", teachRetryMillis, 1);
        requireAtLeast("whackAMoleAfterMillis", whackAMoleAfterMillis, 1);
        requireAtLeast("snapshotEverySlots", snapshotEverySlots, 1);
        requireAtLeast("retainLogSlots", retainLogSlots, 0);
        requireAtLeast("maxTeachLogSlots", maxTeachLogSlots, 1);
    }

    private static void requireAtLeast(String name, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", was " + v);
        }
    }

    public ReplicaConfig withAlpha(int a) {
        return new ReplicaConfig(a, limits, maxQueuedCommands, retransmitMillis, electionBackoffMaxMillis,
                leaderLeaseMillis, requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEverySlots,
                retainLogSlots, maxTeachLogSlots);
    }

    public ReplicaConfig withLeaderLeaseMillis(long l) {
        return new ReplicaConfig(alpha, limits, maxQueuedCommands, retransmitMillis, electionBackoffMaxMillis, l,
                requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEverySlots, retainLogSlots,
                maxTeachLogSlots);
    }

    public ReplicaConfig withLog(int snapshotEvery, int retain, int maxTeach) {
        return new ReplicaConfig(alpha, limits, maxQueuedCommands, retransmitMillis, electionBackoffMaxMillis,
                leaderLeaseMillis, requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEvery, retain,
                maxTeach);
    }

    public ReplicaConfig withMaxQueuedCommands(int q) {
        return new ReplicaConfig(alpha, limits, q, retransmitMillis, electionBackoffMaxMillis, leaderLeaseMillis,
                requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEverySlots, retainLogSlots,
                maxTeachLogSlots);
    }
}
