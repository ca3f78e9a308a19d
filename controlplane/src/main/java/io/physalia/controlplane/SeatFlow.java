package io.physalia.controlplane;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact seating of a cell's members when the greedy pass gets stuck: a max-flow from racks
 * (each capped at {@code max} members) through rack-and-power groups (capped at their free
 * nodes) to power domains (each capped at {@code max}). A flow of {@code size} is a placement
 * with no majority in any rack or power domain; less means none exists.
 */
final class SeatFlow {
    private SeatFlow() {}

    static List<Node> seat(List<Node> free, int size, int max, int[] tie) {
        Map<String, Integer> racks = new TreeMap<>();
        Map<String, Integer> powers = new TreeMap<>();
        for (Node n : free) {
            racks.putIfAbsent(n.rack(), 0);
            powers.putIfAbsent(n.power(), 0);
        }
        int r = 0;
        for (Map.Entry<String, Integer> e : racks.entrySet()) {
            e.setValue(1 + r++);
        }
        int p = 0;
        for (Map.Entry<String, Integer> e : powers.entrySet()) {
            e.setValue(1 + racks.size() + p++);
        }
        int sink = 1 + racks.size() + powers.size();
        int[][] cap = new int[sink + 1][sink + 1];
        for (Node n : free) {
            int rv = racks.get(n.rack());
            int pv = powers.get(n.power());
            cap[0][rv] = Math.min(max, cap[0][rv] + 1);
            cap[rv][pv] += 1;
            cap[pv][sink] = Math.min(max, cap[pv][sink] + 1);
        }
        int[][] flow = new int[sink + 1][sink + 1];
        int total = 0;
        while (total < size) {
            int[] parent = new int[sink + 1];
            Arrays.fill(parent, -1);
            parent[0] = 0;
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            queue.add(0);
            while (!queue.isEmpty() && parent[sink] < 0) {
                int u = queue.poll();
                for (int v = 0; v <= sink; v++) {
                    if (parent[v] < 0 && cap[u][v] - flow[u][v] > 0) {
                        parent[v] = u;
                        queue.add(v);
                    }
                }
            }
            if (parent[sink] < 0) {
                return null;
            }
            for (int v = sink; v != 0; v = parent[v]) {
                flow[parent[v]][v] += 1;
                flow[v][parent[v]] -= 1;
            }
            total++;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < free.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingInt(i -> free.get(i).hostedReplicas()).thenComparingInt(i -> tie[i]));
        List<Node> chosen = new ArrayList<>(size);
        for (int i : order) {
            Node n = free.get(i);
            int rv = racks.get(n.rack());
            int pv = powers.get(n.power());
            if (flow[rv][pv] > 0) {
                flow[rv][pv]--;
                chosen.add(n);
            }
        }
        return chosen;
    }
}
