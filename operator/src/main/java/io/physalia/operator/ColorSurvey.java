package io.physalia.operator;

import io.physalia.client.admin.ReplicaStatus;
import io.physalia.controlplane.DisruptionCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the nodes of one color say of their replicas right now, asked of every node that is up in
 * one call each ({@code GET /admin/cells}): whether a node is up with every replica caught up, and
 * whether taking one node down would leave any of its cells without a caught-up quorum
 * ({@link DisruptionCheck}). The rollout and the disruption budget both decide on it.
 */
final class ColorSurvey {
    private final ColonyRuntime runtime;
    /** node to cell to applied slot, for the nodes that answered. */
    private final Map<String, Map<String, Long>> applied = new HashMap<>();

    private ColorSurvey(ColonyRuntime runtime, Map<String, List<ReplicaStatus>> listing) {
        this.runtime = runtime;
        listing.forEach((node, rs) -> {
            Map<String, Long> m = new HashMap<>();
            for (ReplicaStatus r : rs) {
                if (r.stopped() == null) {
                    m.put(r.cell(), r.appliedUpTo());
                }
            }
            applied.put(node, m);
        });
    }

    /** Asks every node of {@code pods} that is up; one that does not answer counts as down. */
    static ColorSurvey of(ColonyRuntime runtime, List<String> pods) {
        try {
            return new ColorSurvey(runtime, runtime.replicasOf(pods.stream().filter(runtime::up).toList()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ColorSurvey(runtime, Map.of());
        }
    }

    /** Up: its last health checks passed and it answered this survey. */
    boolean up(String node) {
        return runtime.up(node) && applied.containsKey(node);
    }

    private List<DisruptionCheck.MemberState> members(String cell) {
        List<DisruptionCheck.MemberState> out = new ArrayList<>();
        for (String m : runtime.members(cell)) {
            Long a = applied.getOrDefault(m, Map.of()).get(cell);
            out.add(new DisruptionCheck.MemberState(m, a != null, a == null ? -1 : a));
        }
        return out;
    }

    /** The cells the engine has the node as a member of, among those it hosts, with their members' states. */
    private Map<String, List<DisruptionCheck.MemberState>> cellsOf(String node) {
        Map<String, List<DisruptionCheck.MemberState>> out = new TreeMap<>();
        for (String cell : applied.getOrDefault(node, Map.of()).keySet()) {
            if (runtime.members(cell).contains(node)) {
                out.put(cell, members(cell));
            }
        }
        return out;
    }

    /** Whether the node is up and every replica it hosts for a cell it is a member of is caught up with its cell. */
    boolean caughtUp(String node) {
        if (!up(node)) {
            return false;
        }
        for (Map.Entry<String, List<DisruptionCheck.MemberState>> e : cellsOf(node).entrySet()) {
            long best = e.getValue().stream().filter(DisruptionCheck.MemberState::answers)
                    .mapToLong(DisruptionCheck.MemberState::appliedUpTo).max().orElse(-1);
            Optional<DisruptionCheck.MemberState> self = e.getValue().stream().filter(m -> m.node().equals(node)).findFirst();
            if (self.isEmpty() || !DisruptionCheck.caughtUp(self.get(), best)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the node may go down now without a cell of it losing its caught-up quorum. */
    DisruptionCheck.Verdict withoutNode(String node) {
        return DisruptionCheck.withoutNode(node, cellsOf(node));
    }
}
