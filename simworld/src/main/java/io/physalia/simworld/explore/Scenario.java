package io.physalia.simworld.explore;

import io.physalia.core.cell.Command;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ReplicaConfig;
import java.util.List;

/**
 * What the {@link Explorer} explores: a 3-node cell (founding members n1, n2, n3), some client
 * writes each submitted at a given replica, and the bounds of the search.
 *
 * @param config       replica tunables (leases off by default: with leases, a rival proposer is
 *                     refused until the acceptor's clock moves 3 lease lengths, which only wakeups do)
 * @param requests     client writes; each is submitted once, at any point of a path (an action)
 * @param maxDepth     most actions on one path
 * @param maxDrops     most in-flight messages dropped on one path
 * @param maxDups      most in-flight messages duplicated on one path
 * @param maxWakeups   most replica wakeups (timeouts, retransmissions, elections) on one path
 * @param maxAmnesia   TEST ONLY, a deliberately broken model: most restarts of a replica that lose
 *                     all its durable state (promise and accepted values). 0 for a correct system.
 * @param dedupe       skip states already explored at the same or a smaller depth (see {@link Explorer})
 */
public record Scenario(ReplicaConfig config, List<Request> requests, int maxDepth, int maxDrops, int maxDups,
                       int maxWakeups, int maxAmnesia, boolean dedupe) {

    public static final List<String> NODES = List.of("n1", "n2", "n3");

    /** A client write of {@code key = value}, submitted at node index {@code at} (0 = n1). */
    public record Request(int at, String key, long value) {
        Command command(int index) {
            return new Command.ClientTxn("client" + index, 1,
                    new Transaction(List.of(), List.of(new Op.Put(key, Value.ofInt(value)))));
        }
    }

    public Scenario {
        requests = List.copyOf(requests);
    }

    /** Leases off (every proposer may campaign at once), default timings otherwise. */
    public static ReplicaConfig defaultConfig() {
        return ReplicaConfig.DEFAULT.withLeaderLeaseMillis(0);
    }

    /** Two competing writes of the same key, at n1 and n2. */
    public static Scenario twoProposers(int depth, int drops, int dups, int wakeups) {
        return new Scenario(defaultConfig(), List.of(new Request(0, "x", 1), new Request(1, "x", 2)), depth, drops,
                dups, wakeups, 0, true);
    }

    /** Three competing writes, one at each node. */
    public static Scenario threeProposers(int depth, int drops, int dups, int wakeups) {
        return new Scenario(defaultConfig(),
                List.of(new Request(0, "x", 1), new Request(1, "x", 2), new Request(2, "x", 3)), depth, drops, dups,
                wakeups, 0, true);
    }

    public Scenario withAmnesia(int n) {
        return new Scenario(config, requests, maxDepth, maxDrops, maxDups, maxWakeups, n, dedupe);
    }

    public Scenario withDedupe(boolean d) {
        return new Scenario(config, requests, maxDepth, maxDrops, maxDups, maxWakeups, maxAmnesia, d);
    }

    @Override
    public String toString() {
        return requests.size() + " requests, depth " + maxDepth + ", drops " + maxDrops + ", dups " + maxDups
                + ", wakeups " + maxWakeups + (maxAmnesia > 0 ? ", amnesia " + maxAmnesia : "")
                + (dedupe ? "" : ", no dedupe");
    }
}
