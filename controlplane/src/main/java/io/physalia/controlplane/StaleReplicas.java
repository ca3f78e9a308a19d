package io.physalia.controlplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Replicas a node still holds for cells that moved away while it was down (a drop is durable on
 * the node, but a node that was down never got it). Such a replica is a removed member: it cannot
 * vote, but it costs the node memory and confuses anyone reading the node's cells. Shared by
 * {@code physalia local} and the operator, which list what each node hosts and drop what this
 * finds.
 */
public final class StaleReplicas {
    private StaleReplicas() {}

    /**
     * The replicas to drop, by node: every replica of a cell the engine knows, on a node that is
     * not one of the cell's members, when the cell has no action in flight (then either end of
     * the action may legitimately hold one). Cells the engine does not know are left alone (a cell
     * made by hand, or one whose record the control plane has not taken back).
     */
    public static Map<String, List<String>> find(ControlPlane engine, Map<String, List<String>> hostedByNode) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : hostedByNode.entrySet()) {
            for (String cell : e.getValue()) {
                Optional<Cell> c = engine.fleet().cell(cell);
                if (c.isPresent() && !c.get().memberNames().contains(e.getKey()) && engine.inFlight(cell).isEmpty()) {
                    out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(cell);
                }
            }
        }
        return out;
    }
}
