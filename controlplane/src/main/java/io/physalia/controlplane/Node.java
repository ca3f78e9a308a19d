package io.physalia.controlplane;

import io.physalia.topology.NodeTopology;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
    private final int rackId;
    private final int powerId;
    private boolean healthy = true;
    /** Slots held for cells whose move away from this node has not been reported caught-up yet. */
    private int reservedReplicas;
    /**
     * The hosted cells in the order they joined. A list, not a hash set: about 4 bytes per replica
     * instead of 40, and a million cells of 7 are 7 million replicas.
     */
    private final List<Cell> cells = new ArrayList<>();
    /**
     * For each node outside this node's {@link NodeGroup} (or every node, when the group keeps no
     * matrix) that shares cells with this one, keyed by its index + 1: how many.
     */
    private final Counts shared = new Counts();
    /** The nodes of this node's row and color; its slot in their matrix; its place in their sorted list. */
    private NodeGroup group;
    private int groupSlot;
    private int groupPosition;

    Node(int index, NodeTopology topology, String color, int capacityReplicas, int rackId, int powerId) {
        if (capacityReplicas < 1) {
            throw new IllegalArgumentException("node " + topology.node() + ": capacity must be at least 1 replica");
        }
        this.index = index;
        this.topology = topology;
        this.color = color;
        this.capacityReplicas = capacityReplicas;
        this.rackId = rackId;
        this.powerId = powerId;
    }

    int index() {
        return index;
    }

    NodeGroup group() {
        return group;
    }

    int groupSlot() {
        return groupSlot;
    }

    int groupPosition() {
        return groupPosition;
    }

    void joinGroup(NodeGroup g, int slot) {
        this.group = g;
        this.groupSlot = slot;
    }

    void setGroupPosition(int position) {
        this.groupPosition = position;
    }

    /** The fleet's dense id of this node's rack (see {@link Fleet#rackCount()}). */
    int rackId() {
        return rackId;
    }

    /** The fleet's dense id of this node's power domain (see {@link Fleet#powerCount()}). */
    int powerId() {
        return powerId;
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

    /** The cells this node hosts, in the order they joined. */
    public List<Cell> cells() {
        return Collections.unmodifiableList(cells);
    }

    /** How many cells this node and {@code other} both host. */
    public int sharedCells(Node other) {
        if (group == other.group && group.dense()) {
            return group.sharedCells(this, other);
        }
        return shared.get(other.index + 1L);
    }

    /** The nodes counted here (not in the group's matrix) that share cells with this one, by index + 1; read only. */
    Counts sparseSharing() {
        return shared;
    }

    /** Adds {@code delta} to the count of cells this node and {@code other} share. */
    void addShared(Node other, int delta) {
        if (group == other.group && group.dense()) {
            group.addShared(this, other, delta);
        } else {
            addSparseShared(other, delta);
        }
    }

    /** Counts the pair in the nodes' own maps (pairs across groups, or a group without a matrix). */
    void addSparseShared(Node other, int delta) {
        for (int i = 0; i < delta; i++) {
            shared.increment(other.index + 1L);
            other.shared.increment(index + 1L);
        }
        for (int i = 0; i > delta; i--) {
            shared.decrement(other.index + 1L);
            other.shared.decrement(index + 1L);
        }
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
                addShared(o, 1);
            }
        }
    }

    void leave(Cell cell, Iterable<Node> others) {
        cells.remove(cell);
        for (Node o : others) {
            if (o != this) {
                addShared(o, -1);
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
