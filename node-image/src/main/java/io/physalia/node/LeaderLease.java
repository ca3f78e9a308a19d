package io.physalia.node;

import io.physalia.core.paxos.ReplicaConfig;

/**
 * The leader lease this node's replicas ask for and grant, and the clock-rate bound it rests on
 * ({@code --leader-lease-ms}, {@code --clock-rate-bound}). A leader serves linearizable reads
 * locally while its lease lasts; after its crash, a successor waits the bound times the lease
 * before it can lead, so the product is the floor under failover. Every node of a colony uses
 * the same values: a restarted acceptor stays quiet for its own bound times its own lease, which
 * covers what it granted only if no leader asked for more.
 *
 * @param millis         the lease (0: no lease, every linearizable read goes through the log)
 * @param clockRateBound no node's clock runs more than this many times as fast as another's
 */
public record LeaderLease(long millis, int clockRateBound) {
    public static final LeaderLease DEFAULT =
            new LeaderLease(ReplicaConfig.DEFAULT.leaderLeaseMillis(), ReplicaConfig.DEFAULT.clockRateBound());

    public LeaderLease {
        ReplicaConfig.DEFAULT.withLease(millis, clockRateBound); // the one place the bounds are checked
    }

    /** {@code base} with this lease and bound. */
    public ReplicaConfig applyTo(ReplicaConfig base) {
        return base.withLease(millis, clockRateBound);
    }

    /** How long acceptors refuse a dead leader's successor: the floor under failover. */
    public long failoverFloorMillis() {
        return applyTo(ReplicaConfig.DEFAULT).leaseRefusalMillis(millis);
    }
}
