package io.physalia.controlplane;

import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the node that takes a leaving member's place in a cell (repair and move-closer). The
 * new member set must keep the rules: the cell's color, a healthy under-full node that is not
 * already a member, no majority in any rack or power domain, at least three racks. Rows are
 * tried nearest to the clients first (with {@link PlacementPolicy#NEAR_CLIENTS}, the clients'
 * racks first within a row); when none works, the answer counts, for the nearest row
 * tried, why each node was turned down.
 */
final class Replacer {
    private final Fleet fleet;
    private final boolean nearClients;

    Replacer(Fleet fleet, PlacementPolicy policy) {
        this.fleet = fleet;
        this.nearClients = policy == PlacementPolicy.NEAR_CLIENTS;
    }

    record Choice(Node node, String refusal) {}

    /**
     * @param maxRowDistance only rows at most this far from the clients are considered (use
     *     {@code Integer.MAX_VALUE} for any row)
     */
    Choice choose(Cell cell, Node leaving, int maxRowDistance) {
        List<Node> remaining = new ArrayList<>(cell.members());
        remaining.remove(leaving);
        Map<String, Integer> rackCount = new HashMap<>();
        Map<String, Integer> powerCount = new HashMap<>();
        for (Node m : remaining) {
            rackCount.merge(m.rack(), 1, Integer::sum);
            powerCount.merge(m.power(), 1, Integer::sum);
        }
        Set<Node> members = new HashSet<>(cell.members());
        Set<Location> clientRacks = nearClients ? new HashSet<>(cell.clients()) : Set.of();
        int max = Rules.maxPerDomain(cell.size());
        List<String> reasons = new ArrayList<>();
        for (Fleet.Row row : fleet.rowsByDistance(cell.clients(), Optional.of(cell.color()))) {
            if (row.distanceTo(cell.clients()) > maxRowDistance) {
                continue;
            }
            int unhealthy = 0;
            int full = 0;
            int already = 0;
            int rackMajority = 0;
            int powerMajority = 0;
            int fewRacks = 0;
            Node best = null;
            long bestOverlap = 0;
            for (Node n : row.nodes(cell.color())) {
                if (n == leaving) {
                    continue;
                }
                if (members.contains(n)) {
                    already++;
                    continue;
                }
                if (!n.healthy()) {
                    unhealthy++;
                    continue;
                }
                if (n.freeReplicas() <= 0) {
                    full++;
                    continue;
                }
                if (rackCount.getOrDefault(n.rack(), 0) >= max) {
                    rackMajority++;
                    continue;
                }
                if (powerCount.getOrDefault(n.power(), 0) >= max) {
                    powerMajority++;
                    continue;
                }
                int racks = rackCount.size() + (rackCount.containsKey(n.rack()) ? 0 : 1);
                if (racks < Math.min(Rules.MIN_RACKS, cell.size())) {
                    fewRacks++;
                    continue;
                }
                long overlap = 0;
                for (Node m : remaining) {
                    overlap += n.sharedCells(m);
                }
                if (best == null || better(n, overlap, rackCount, powerCount, best, bestOverlap, clientRacks)) {
                    best = n;
                    bestOverlap = overlap;
                }
            }
            if (best != null) {
                return new Choice(best, null);
            }
            reasons.add("row " + row.path() + ": none of " + row.nodes(cell.color()).size() + " " + cell.color()
                    + " nodes can take " + leaving.name() + "'s place (" + already + " are other members, "
                    + unhealthy + " unhealthy, " + full + " full, " + rackMajority + " would give their rack a majority, "
                    + powerMajority + " would give their power domain a majority, " + fewRacks
                    + " would leave fewer than " + Rules.MIN_RACKS + " racks)");
        }
        if (reasons.isEmpty()) {
            return new Choice(null, "no row near enough to the clients has " + cell.color() + " nodes");
        }
        return new Choice(null, String.join("; ", reasons.subList(0, Math.min(3, reasons.size())))
                + (reasons.size() > 3 ? "; and " + (reasons.size() - 3) + " more rows" : ""));
    }

    private static boolean better(Node a, long aOverlap, Map<String, Integer> racks, Map<String, Integer> powers,
            Node b, long bOverlap, Set<Location> clientRacks) {
        boolean an = clientRacks.contains(a.topology().location());
        boolean bn = clientRacks.contains(b.topology().location());
        if (an != bn) {
            return an;
        }
        int ar = racks.getOrDefault(a.rack(), 0);
        int br = racks.getOrDefault(b.rack(), 0);
        if (ar != br) {
            return ar < br;
        }
        if (aOverlap != bOverlap) {
            return aOverlap < bOverlap;
        }
        int ap = powers.getOrDefault(a.power(), 0);
        int bp = powers.getOrDefault(b.power(), 0);
        if (ap != bp) {
            return ap < bp;
        }
        long fa = (long) a.hostedReplicas() * b.capacityReplicas();
        long fb = (long) b.hostedReplicas() * a.capacityReplicas();
        if (fa != fb) {
            return fa < fb;
        }
        return a.name().compareTo(b.name()) < 0;
    }
}
