package io.physalia.simworld.explore;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.Member;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ReplicaConfig;
import java.util.List;

/**
 * What the {@link Explorer} explores: a 3-node cell (founding members n1, n2, n3), some client
 * requests (writes, or a membership change) each submitted at a given replica, and the bounds
 * of the search.
 *
 * @param config       replica tunables (leases off by default: with leases, a rival proposer is
 *                     refused until the acceptor's clock moves 3 lease lengths, which only wakeups do)
 * @param requests     client requests; each is submitted once, at any point of a path (an action)
 * @param maxDepth     most actions on one path
 * @param maxDrops     most in-flight messages dropped on one path
 * @param maxDups      most in-flight messages duplicated on one path
 * @param maxWakeups   most replica wakeups (timeouts, retransmissions, elections) on one path
 * @param maxCrashes   most crashes on one path: a replica loses everything but its durable
 *                     records and is recovered from them at once (its sent messages stay in flight)
 * @param maxAmnesia   TEST ONLY, a deliberately broken model: most restarts of a replica that lose
 *                     all its durable state (promise and accepted values). 0 for a correct system.
 * @param dedupe       skip states already explored at the same or a smaller depth (see {@link Explorer})
 */
public record Scenario(ReplicaConfig config, List<Request> requests, int maxDepth, int maxDrops, int maxDups,
                       int maxWakeups, int maxCrashes, int maxAmnesia, boolean dedupe) {

    public static final List<String> NODES = List.of("n1", "n2", "n3");

    /** A client request submitted at node index {@code at()} (0 = n1). */
    public sealed interface Request {
        int at();

        /** The command, as client number {@code index} sends it. */
        Command command(int index);
    }

    /** A client write of {@code key = value}. */
    public record Write(int at, String key, long value) implements Request {
        @Override
        public Command command(int index) {
            return new Command.ClientTxn("client" + index, 1,
                    new Transaction(List.of(), List.of(new Op.Put(key, Value.ofInt(value)))));
        }
    }

    /** The removal of founding member {@code NODES.get(node)} from the cell. */
    public record Remove(int at, int node) implements Request {
        @Override
        public Command command(int index) {
            return new Command.RemoveMember("client" + index, 1, Member.founding(NODES.get(node)));
        }
    }

    public Scenario {
        requests = List.copyOf(requests);
        int[] bounds = {maxDepth, maxDrops, maxDups, maxWakeups, maxCrashes, maxAmnesia};
        for (int b : bounds) {
            if (b < 0) {
                throw new IllegalArgumentException("explorer bounds must be 0 or more, were depth " + maxDepth
                        + ", drops " + maxDrops + ", dups " + maxDups + ", wakeups " + maxWakeups + ", crashes "
                        + maxCrashes + ", amnesia " + maxAmnesia);
            }
        }
        for (Request r : requests) {
            if (r.at() < 0 || r.at() >= NODES.size() || r instanceof Remove m && (m.node() < 0 || m.node() >= NODES.size())) {
                throw new IllegalArgumentException(r + " names a node outside 0.." + (NODES.size() - 1) + " (" + NODES + ")");
            }
        }
    }

    /** Leases off (every proposer may campaign at once), default timings otherwise. */
    public static ReplicaConfig defaultConfig() {
        return ReplicaConfig.DEFAULT.withLeaderLeaseMillis(0);
    }

    /** Two competing writes of the same key, at n1 and n2. */
    public static Scenario twoProposers(int depth, int drops, int dups, int wakeups) {
        return new Scenario(defaultConfig(), List.of(new Write(0, "x", 1), new Write(1, "x", 2)), depth, drops,
                dups, wakeups, 0, 0, true);
    }

    /** Three competing writes, one at each node. */
    public static Scenario threeProposers(int depth, int drops, int dups, int wakeups) {
        return new Scenario(defaultConfig(),
                List.of(new Write(0, "x", 1), new Write(1, "x", 2), new Write(2, "x", 3)), depth, drops, dups,
                wakeups, 0, 0, true);
    }

    /**
     * A write at n1 competing with the removal of n3 submitted at n2, with alpha 1, so that the
     * removal (if chosen first) takes effect at the very next slot and the write may be chosen in
     * the smaller configuration; n3's replica lingers and keeps answering.
     */
    public static Scenario membershipChange(int depth, int drops, int dups, int wakeups) {
        return new Scenario(defaultConfig().withAlpha(1), List.of(new Write(0, "x", 1), new Remove(1, 2)), depth,
                drops, dups, wakeups, 0, 0, true);
    }

    public Scenario withCrashes(int n) {
        return new Scenario(config, requests, maxDepth, maxDrops, maxDups, maxWakeups, n, maxAmnesia, dedupe);
    }

    public Scenario withAmnesia(int n) {
        return new Scenario(config, requests, maxDepth, maxDrops, maxDups, maxWakeups, maxCrashes, n, dedupe);
    }

    public Scenario withDedupe(boolean d) {
        return new Scenario(config, requests, maxDepth, maxDrops, maxDups, maxWakeups, maxCrashes, maxAmnesia, d);
    }

    @Override
    public String toString() {
        return requests + ", alpha " + config.alpha() + ", depth " + maxDepth + ", drops " + maxDrops + ", dups "
                + maxDups + ", wakeups " + maxWakeups + (maxCrashes > 0 ? ", crashes " + maxCrashes : "") + (maxAmnesia > 0 ? ", amnesia " + maxAmnesia : "")
                + (dedupe ? "" : ", no dedupe");
    }
}
