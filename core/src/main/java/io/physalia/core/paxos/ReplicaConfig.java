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
 * @param leaderLeaseMillis      leader lease for local linearizable reads (0: always read through the log).
 *                               A dead leader's successor waits {@code clockRateBound} times this
 *                               before it can lead, so it bounds failover from below
 * @param clockRateBound         no node's clock runs more than this many times as fast as another's
 *                               (the lease's one timing assumption): acceptors refuse rivals for this
 *                               many lease lengths, a restarted acceptor refuses every Prepare for as
 *                               long, and a client lease is taken over only after this many of its
 *                               durations. Every node of a colony uses the same lease and bound
 * @param requestTimeoutMillis   a request gets an answer within this long, whatever happens
 * @param teachRetryMillis       ask another teacher after this long
 * @param whackAMoleAfterMillis  propose into a hole nobody taught after this long (plus jitter of the same size)
 * @param snapshotEverySlots     write a snapshot record after this many applied slots
 * @param retainLogSlots         chosen values kept for log-based teaching
 * @param maxTeachLogSlots       most slots in one TeachLog message
 */
public record ReplicaConfig(int alpha, CellLimits limits, int maxQueuedCommands, long retransmitMillis,
                            long electionBackoffMaxMillis, long leaderLeaseMillis, int clockRateBound,
                            long requestTimeoutMillis,
                            long teachRetryMillis, long whackAMoleAfterMillis, int snapshotEverySlots,
                            int retainLogSlots, int maxTeachLogSlots) {

    /**
     * The defaults. The lease is 200 ms with the 3x bound, so a dead leader's successor leads
     * after 0.6 s (issue 12's failover target is 1 s); what it costs: a leader that wrote nothing
     * for 200 ms answers its next linearizable read through the log (one round, which renews the
     * lease), and a restarted acceptor refuses Prepares for 0.6 s.
     */
    public static final ReplicaConfig DEFAULT =
            new ReplicaConfig(3, CellLimits.DEFAULT, 256, 40, 100, 200, 3, 3000, 60, 400, 1024, 256, 256);

    /** The bounds of {@link #clockRateBound()}: 1 would claim clocks that never drift apart. */
    public static final int MIN_CLOCK_RATE_BOUND = 2;
    public static final int MAX_CLOCK_RATE_BOUND = 10;
    /** The longest leader lease accepted: past it, failover (the bound times this) takes minutes. */
    public static final long MAX_LEADER_LEASE_MILLIS = 60_000;

    public ReplicaConfig {
        if (limits == null) {
            throw new IllegalArgumentException("limits are required");
        }
        requireAtLeast("alpha", alpha, 1);
        requireAtLeast("maxQueuedCommands", maxQueuedCommands, 1);
        requireAtLeast("retransmitMillis", retransmitMillis, 1);
        requireAtLeast("electionBackoffMaxMillis", electionBackoffMaxMillis, 1);
        requireAtLeast("leaderLeaseMillis", leaderLeaseMillis, 0);
        if (leaderLeaseMillis > MAX_LEADER_LEASE_MILLIS) {
            throw new IllegalArgumentException("leaderLeaseMillis must be <= " + MAX_LEADER_LEASE_MILLIS + ", was " + leaderLeaseMillis);
        }
        if (clockRateBound < MIN_CLOCK_RATE_BOUND || clockRateBound > MAX_CLOCK_RATE_BOUND) {
            throw new IllegalArgumentException("clockRateBound must be in " + MIN_CLOCK_RATE_BOUND + ".." + MAX_CLOCK_RATE_BOUND
                    + " (no clock runs that many times as fast as another), was " + clockRateBound);
        }
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
                leaderLeaseMillis, clockRateBound, requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEverySlots,
                retainLogSlots, maxTeachLogSlots);
    }

    public ReplicaConfig withLeaderLeaseMillis(long l) {
        return new ReplicaConfig(alpha, limits, maxQueuedCommands, retransmitMillis, electionBackoffMaxMillis, l,
                clockRateBound, requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEverySlots, retainLogSlots,
                maxTeachLogSlots);
    }

    /** The leader lease and the clock-rate bound it relies on (the node's settings). */
    public ReplicaConfig withLease(long leaseMillis, int bound) {
        return new ReplicaConfig(alpha, limits, maxQueuedCommands, retransmitMillis, electionBackoffMaxMillis, leaseMillis,
                bound, requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEverySlots, retainLogSlots,
                maxTeachLogSlots);
    }

    /**
     * The bound times {@code leaseMillis}: how long an acceptor refuses rivals after granting a
     * lease that long, on its own clock (the holder's clock has surely run the lease out by then).
     */
    public long leaseRefusalMillis(long leaseMillis) {
        return clockRateBound * leaseMillis;
    }

    public ReplicaConfig withLog(int snapshotEvery, int retain, int maxTeach) {
        return new ReplicaConfig(alpha, limits, maxQueuedCommands, retransmitMillis, electionBackoffMaxMillis,
                leaderLeaseMillis, clockRateBound, requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEvery, retain,
                maxTeach);
    }

    public ReplicaConfig withMaxQueuedCommands(int q) {
        return new ReplicaConfig(alpha, limits, q, retransmitMillis, electionBackoffMaxMillis, leaderLeaseMillis,
                clockRateBound, requestTimeoutMillis, teachRetryMillis, whackAMoleAfterMillis, snapshotEverySlots, retainLogSlots,
                maxTeachLogSlots);
    }
}
