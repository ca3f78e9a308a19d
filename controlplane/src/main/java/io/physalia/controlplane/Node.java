package io.physalia.controlplane;

import io.physalia.topology.NodeTopology;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One node of the fleet as the engine sees it: where it sits, its color, how many cell replicas
 * it may hold, whether it is healthy, and which cells it hosts. Mutated only through
 * {@link Fleet} and {@link ControlPlane}.
 */
public final class Node {
    private final int index;
    private final NodeTopology topology;
    private final String color;
    private final int capacityReplicas;
    private boolean healthy = true;
    /** Slots held for cells whose move away from this node has not been reported caught-up yet. */
    private int reservedReplicas;
    private final Set<Cell> cells = new LinkedHashSet<>();
    /** For each other node (by index) that shares cells with this one: how many. */
    private final Map<Integer, Integer> shared = new HashMap<>();

    Node(int index, NodeTopology topology, String color, int capacityReplicas) {
        if (capacityReplicas < 1) {
            throw new IllegalArgumentException("node " + topology.node() + ": capacity must be at least 1 replica");
        }
        this.index = index;
        this.topology = topology;
        this.color = color;
        this.capacityReplicas = capacityReplicas;
    }

    int index() {
        return index;
    }

    public String name() {
        return topology.node();
    }

    public NodeTopology topology() {
        return topology;
    }

    public String rack() {
        return topology.rack();
    }

    public String power() {
        return topology.power();
    }

    public String rowPath() {
        return topology.zone() + "/" + topology.row();
    }

    public String color() {
        return color;
    }

    public int capacityReplicas() {
        return capacityReplicas;
    }

    public int hostedReplicas() {
        return cells.size();
    }

    /** Replica slots held for members that are leaving but not yet gone (an action in flight). */
    public int reservedReplicas() {
        return reservedReplicas;
    }

    public int freeReplicas() {
        return capacityReplicas - cells.size() - reservedReplicas;
    }

    public boolean healthy() {
        return healthy;
    }

    /** Healthy and under-full: may take one more replica. */
    public boolean canHost() {
        return healthy && freeReplicas() > 0;
    }

    public Set<Cell> cells() {
        return Collections.unmodifiableSet(cells);
    }

    /** How many cells this node and {@code other} both host. */
    public int sharedCells(Node other) {
        return shared.getOrDefault(other.index, 0);
    }

    void reserve(int delta) {
        reservedReplicas += delta;
    }

    void setHealthy(boolean healthy) {
        this.healthy = healthy;
    }

    void join(Cell cell, Iterable<Node> others) {
        cells.add(cell);
        for (Node o : others) {
            if (o != this) {
                shared.merge(o.index, 1, Integer::sum);
                o.shared.merge(index, 1, Integer::sum);
            }
        }
    }

    void leave(Cell cell, Iterable<Node> others) {
        cells.remove(cell);
        for (Node o : others) {
            if (o != this) {
                decrement(shared, o.index);
                decrement(o.shared, index);
            }
        }
    }

    private static void decrement(Map<Integer, Integer> m, int key) {
        m.computeIfPresent(key, (k, v) -> v == 1 ? null : v - 1);
    }

    @Override
    public String toString() {
        return name();
    }
}
