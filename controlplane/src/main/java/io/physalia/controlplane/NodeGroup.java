package io.physalia.controlplane;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The nodes of one row and one color: the candidates for every placement there. Besides the
 * node list (sorted by name) it keeps what placement reads about each node in flat arrays
 * (rack and power ids, load, whether it can take a replica), and, for groups up to
 * {@link #DENSE_LIMIT} nodes, how many cells each pair of its nodes shares as a dense matrix.
 * Placement reads one row of that matrix per chosen member instead of looking up each candidate
 * in a per-node map, which at colony scale (a million cells) is most of its time. Pairs of nodes
 * in different groups (a cell moving between rows) are counted by the nodes themselves.
 */
final class NodeGroup {
    /** Groups larger than this keep no matrix (it would take 4 * size^2 bytes). */
    static final int DENSE_LIMIT = 1024;

    private final List<Node> nodes = new ArrayList<>();
    /** Free replica slots on this group's healthy nodes. */
    private long freeReplicas;
    /** Sorted-order arrays; rebuilt after a node joins the group. */
    private boolean stale = true;
    private int[] rack = new int[0];
    private int[] power = new int[0];
    private int[] capacity = new int[0];
    private int[] hosted = new int[0];
    private boolean[] canHost = new boolean[0];
    /** Each node's slot in the matrix, in sorted order; slots are given in joining order and never change. */
    private int[] slot = new int[0];
    /** shared[a * stride + b]: cells shared by the nodes in slots a and b; null above the limit. */
    private int[] shared = new int[0];
    private int stride;

    void add(Node n) {
        n.joinGroup(this, nodes.size());
        nodes.add(n);
        nodes.sort(Comparator.comparing(Node::name));
        freeReplicas += n.healthy() ? n.freeReplicas() : 0;
        stale = true;
        if (nodes.size() > DENSE_LIMIT) {
            if (shared != null) {
                moveMatrixToNodes();
            }
        } else if (nodes.size() > stride) {
            int newStride = Math.max(8, stride * 2);
            int[] grown = new int[newStride * newStride];
            for (int a = 0; a < stride; a++) {
                System.arraycopy(shared, a * stride, grown, a * newStride, stride);
            }
            shared = grown;
            stride = newStride;
        }
    }

    /** The group outgrew the matrix: its counts move to the nodes' own maps. */
    private void moveMatrixToNodes() {
        int[] matrix = shared;
        shared = null;
        Node[] bySlot = new Node[nodes.size()];
        for (Node n : nodes) {
            bySlot[n.groupSlot()] = n;
        }
        for (int a = 0; a < stride && a < bySlot.length; a++) {
            for (int b = a + 1; b < stride && b < bySlot.length; b++) {
                int count = matrix[a * stride + b];
                if (count > 0 && bySlot[a] != null && bySlot[b] != null) {
                    bySlot[a].addSparseShared(bySlot[b], count);
                }
            }
        }
    }

    List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    int size() {
        return nodes.size();
    }

    long freeReplicas() {
        return freeReplicas;
    }

    /** A node's free slots, health or load changed by {@code freeDelta}; keeps the arrays current. */
    void changed(Node n, long freeDelta) {
        freeReplicas += freeDelta;
        if (!stale) {
            int i = n.groupPosition();
            hosted[i] = n.hostedReplicas();
            canHost[i] = n.canHost();
        }
    }

    /** Whether pairs within this group are counted here (else by the nodes). */
    boolean dense() {
        return shared != null;
    }

    int sharedCells(Node a, Node b) {
        return shared[a.groupSlot() * stride + b.groupSlot()];
    }

    void addShared(Node a, Node b, int delta) {
        shared[a.groupSlot() * stride + b.groupSlot()] += delta;
        shared[b.groupSlot() * stride + a.groupSlot()] += delta;
    }

    /** For candidates in sorted order: adds how many cells each shares with {@code pick} to {@code overlap}. */
    void addOverlap(Node pick, int[] candidates, int count, long[] overlap) {
        int base = pick.groupSlot() * stride;
        for (int c = 0; c < count; c++) {
            overlap[c] += shared[base + slot[candidates[c]]];
        }
    }

    private void refresh() {
        if (!stale) {
            return;
        }
        int n = nodes.size();
        rack = new int[n];
        power = new int[n];
        capacity = new int[n];
        hosted = new int[n];
        canHost = new boolean[n];
        slot = new int[n];
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            node.setGroupPosition(i);
            rack[i] = node.rackId();
            power[i] = node.powerId();
            capacity[i] = node.capacityReplicas();
            hosted[i] = node.hostedReplicas();
            canHost[i] = node.canHost();
            slot[i] = node.groupSlot();
        }
        stale = false;
    }

    int[] rackIds() {
        refresh();
        return rack;
    }

    int[] powerIds() {
        refresh();
        return power;
    }

    int[] capacities() {
        refresh();
        return capacity;
    }

    int[] hosted() {
        refresh();
        return hosted;
    }

    boolean[] canHost() {
        refresh();
        return canHost;
    }
}
