package io.physalia.simworld.cell;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The safety properties of a cell, checked after every simulated event:
 * <ul>
 *   <li>one chosen value per slot (every learner, every source of learning);</li>
 *   <li>identical state on every replica that applied the same prefix;</li>
 *   <li>ballots never go back: an acceptor never holds a promise below one it already
 *       communicated, across crashes too;</li>
 *   <li>at most one proposer holds a valid leader lease (by its own clock) at any instant;</li>
 *   <li>no replica stopped on a failed internal check.</li>
 * </ul>
 */
public final class CellInvariants implements ReplicaObserver {
    private final CellWorld world;
    private final Map<String, TreeMap<Long, Batch>> chosen = new HashMap<>();
    private final Map<String, Map<Long, String>> digests = new HashMap<>();
    private final Map<String, Long> lastDigestAt = new HashMap<>();
    private final Map<String, Ballot> communicated = new HashMap<>();
    private long checks;

    CellInvariants(CellWorld world) {
        this.world = world;
    }

    void violation(String what) {
        throw new AssertionError(world.failurePrefix() + "invariant violated at t=" + world.now() + "ms: " + what);
    }

    @Override
    public void chosen(String cell, Member self, long slot, Batch value) {
        Batch prior = chosen.computeIfAbsent(cell, c -> new TreeMap<>()).putIfAbsent(slot, value);
        if (prior != null && !prior.equals(value)) {
            violation("two values chosen for " + cell + " slot " + slot + ": " + prior + " and " + value + " (learned by "
                    + self + ")");
        }
    }

    Batch chosen(String cell, long slot) {
        TreeMap<Long, Batch> m = chosen.get(cell);
        return m == null ? null : m.get(slot);
    }

    public int chosenSlots(String cell) {
        TreeMap<Long, Batch> m = chosen.get(cell);
        return m == null ? 0 : m.size();
    }

    /** A node released this message after its records were durable. */
    void released(Envelope e) {
        Ballot b = switch (e.message()) {
            case Message.Promise p -> p.ballot();
            case Message.Accepted a -> a.ballot();
            default -> null;
        };
        if (b != null) {
            communicated.merge(key(e.cell(), e.from()), b, (x, y) -> x.isAfter(y) ? x : y);
        }
    }

    private static String key(String cell, Member m) {
        return cell + "/" + m;
    }

    void afterEvent() {
        checks++;
        for (SimNode n : world.nodes().values()) {
            if (!n.isUp()) {
                continue;
            }
            for (Replica r : n.replicas().values()) {
                checkReplica(n, r);
            }
        }
        checkLeaderLeases();
    }

    private void checkReplica(SimNode n, Replica r) {
        if (r.stoppedReason() != null) {
            violation(n.name() + "/" + r.cell() + " stopped: " + r.stoppedReason());
        }
        Ballot said = communicated.get(key(r.cell(), r.member()));
        if (said != null && said.isAfter(r.promised())) {
            violation(r.member() + " promised " + r.promised() + " after it had answered under " + said);
        }
        String k = n.name() + "/" + r.cell();
        long applied = r.appliedUpTo();
        Long last = lastDigestAt.get(k);
        // Nothing applied yet: no prefix to compare (a joining member starts from the configuration it joins).
        if (applied > 0 && (last == null || last != applied)) {
            lastDigestAt.put(k, applied);
            String digest = List.of(r.state().revision(), r.state().data().entries(), r.state().leases(),
                    r.state().latestConfiguration()).toString();
            String prior = digests.computeIfAbsent(r.cell(), c -> new HashMap<>()).putIfAbsent(applied, digest);
            if (prior != null && !prior.equals(digest)) {
                violation(r.member() + " has a different state after applying slots below " + applied + ": " + digest
                        + " vs " + prior);
            }
        }
    }

    private void checkLeaderLeases() {
        Map<String, String> holder = new HashMap<>();
        for (SimNode n : world.nodes().values()) {
            if (!n.isUp()) {
                continue;
            }
            for (Replica r : n.replicas().values()) {
                if (r.isLeader() && r.leaderLeaseUntil() > n.clock().monotonicMillis()) {
                    String prior = holder.putIfAbsent(r.cell(), r.member().toString());
                    if (prior != null) {
                        violation("two valid leader leases in " + r.cell() + ": " + prior + " and " + r.member());
                    }
                }
            }
        }
    }

    public long checks() {
        return checks;
    }
}
