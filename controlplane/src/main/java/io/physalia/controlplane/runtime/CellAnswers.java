package io.physalia.controlplane.runtime;

import io.physalia.client.admin.NodeAdmin;
import io.physalia.client.admin.ReplicaStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the nodes answered about one cell during one pass of the control plane (a reconcile of the
 * Cell, one step of {@code physalia local}'s action worker): each node is asked at most once until
 * the pass changes the cell ({@link #changed()}). A step of an action and the status that follows
 * it then cost one admin call per member, not two, and a member that does not answer costs its
 * timeout once. One pass, one thread: not shared.
 */
public final class CellAnswers {
    private static final Comparator<ReplicaStatus> LEADER_FIRST =
            (a, b) -> a.leader() != b.leader() ? (a.leader() ? -1 : 1) : Long.compare(b.appliedUpTo(), a.appliedUpTo());

    private final NodeAdmin admin;
    private final String cell;
    private final Map<String, Optional<ReplicaStatus>> answers = new HashMap<>();
    private int calls;

    public CellAnswers(NodeAdmin admin, String cell) {
        this.admin = admin;
        this.cell = cell;
    }

    public String cell() {
        return cell;
    }

    /** The replica of the cell on {@code node}: asked on first use, remembered until {@link #changed()}. */
    public Optional<ReplicaStatus> of(String node) throws InterruptedException {
        Optional<ReplicaStatus> known = answers.get(node);
        if (known == null) {
            calls++;
            known = admin.replica(node, cell);
            answers.put(node, known);
        }
        return known;
    }

    /**
     * What the nodes among {@code nodes} that answer say: the leader's answer first if one answers,
     * then the others by applied slot, most advanced first.
     */
    public List<ReplicaStatus> of(List<String> nodes) throws InterruptedException {
        List<ReplicaStatus> out = new ArrayList<>();
        for (String n : nodes) {
            of(n).ifPresent(out::add);
        }
        out.sort(LEADER_FIRST);
        return out;
    }

    /** The pass changed the cell (a member added or removed, a replica hosted or dropped): ask again. */
    public void changed() {
        answers.clear();
    }

    /** The admin calls made so far. */
    public int calls() {
        return calls;
    }
}
