package io.physalia.controlplane;

import io.physalia.core.cell.CellLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The placement rules (paper section 3.2), as a check on a cell's members. Placement and repair
 * only produce member sets that pass; tests use this to prove it.
 */
public final class Rules {
    /** A cell spreads over at least this many racks. */
    public static final int MIN_RACKS = 3;

    private Rules() {}

    /** The most members one rack or power domain may hold: fewer than a majority. */
    public static int maxPerDomain(int size) {
        return size / 2;
    }

    /** A placed cell is odd-sized within {@link CellLimits}. */
    static void checkSize(int size) {
        CellLimits.validatePlacedSize("cell size", size);
    }

    /**
     * What is wrong with the cell's members, empty when nothing is. {@code oneRow} also requires
     * every member to sit in one row (true for a newly placed cell; a cell being moved closer to
     * its clients spans two rows while it moves).
     */
    public static List<String> violations(Cell cell, boolean oneRow) {
        List<String> out = new ArrayList<>();
        List<Node> m = cell.members();
        if (m.size() != cell.size()) {
            out.add("cell " + cell.id() + " has " + m.size() + " members; wants " + cell.size());
        }
        if (new HashSet<>(m).size() != m.size()) {
            out.add("cell " + cell.id() + " lists a node twice");
        }
        Map<String, Integer> racks = new HashMap<>();
        Map<String, Integer> powers = new HashMap<>();
        Set<String> rows = new TreeSet<>();
        for (Node n : m) {
            if (!n.color().equals(cell.color())) {
                out.add("cell " + cell.id() + " (" + cell.color() + ") uses node " + n.name() + " of color " + n.color());
            }
            if (n.freeReplicas() < 0) {
                out.add("node " + n.name() + " holds " + n.hostedReplicas() + " replicas and reserves "
                        + n.reservedReplicas() + "; capacity " + n.capacityReplicas());
            }
            racks.merge(n.rack(), 1, Integer::sum);
            powers.merge(n.power(), 1, Integer::sum);
            rows.add(n.rowPath());
        }
        int max = maxPerDomain(cell.size());
        if (racks.size() < MIN_RACKS) {
            out.add("cell " + cell.id() + " spans " + racks.size() + " racks; needs " + MIN_RACKS);
        }
        racks.forEach((r, c) -> {
            if (c > max) {
                out.add("cell " + cell.id() + " has a majority (" + c + " of " + cell.size() + ") in rack " + r);
            }
        });
        powers.forEach((p, c) -> {
            if (c > max) {
                out.add("cell " + cell.id() + " has a majority (" + c + " of " + cell.size() + ") in power domain " + p);
            }
        });
        if (oneRow && rows.size() > 1) {
            out.add("cell " + cell.id() + " spans rows " + rows);
        }
        return out;
    }
}
