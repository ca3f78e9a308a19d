package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.Datacenter;

/**
 * Where each volume's configuration store sits: for volume {@code i}, its members' node indexes
 * {@code nodes[i]} and their racks {@code racks[i]} (one member for a single-point store).
 */
public record StorePlacement(String name, int[][] nodes, int[][] racks) {
    public static StorePlacement of(String name, Datacenter dc, int[][] nodes) {
        int[][] racks = new int[nodes.length][];
        for (int i = 0; i < nodes.length; i++) {
            racks[i] = new int[nodes[i].length];
            for (int j = 0; j < nodes[i].length; j++) {
                racks[i][j] = dc.rackOf(nodes[i][j]);
            }
        }
        return new StorePlacement(name, nodes, racks);
    }

    public int volumes() {
        return nodes.length;
    }
}
