package io.physalia.cli;

import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * The made-up datacenter of a local colony: one zone {@code z1} with {@code rows} rows
 * ({@code r1}, {@code r2}, ...). The nodes, in order, fill the rows one after the other (the first
 * rows get one more when the count does not divide). In a row, racks hold two nodes
 * ({@code r1-k1}, ...; the row's nodes are dealt round-robin over its racks), and the row has as
 * many power domains as racks ({@code r1-p1}, ...), crossing them: a node's power domain is (its
 * rack + its slot in the rack) mod racks, so each power domain feeds two racks and losing one
 * takes half of two racks, not a whole rack.
 */
final class SyntheticTopology {
    private SyntheticTopology() {}

    static Topology of(List<String> names, int rows) {
        if (rows < 1 || rows > names.size()) {
            throw new IllegalArgumentException("rows must be from 1 to the number of nodes (" + names.size() + "); got " + rows);
        }
        List<NodeTopology> nodes = new ArrayList<>();
        int next = 0;
        for (int r = 0; r < rows; r++) {
            int inRow = names.size() / rows + (r < names.size() % rows ? 1 : 0);
            int racks = (inRow + 1) / 2;
            String row = "r" + (r + 1);
            for (int j = 0; j < inRow; j++) {
                int rack = j % racks;
                int slot = j / racks;
                nodes.add(new NodeTopology(names.get(next++), "z1", row, row + "-k" + (rack + 1),
                        row + "-p" + ((rack + slot) % racks + 1)));
            }
        }
        return Topology.of(nodes);
    }
}
