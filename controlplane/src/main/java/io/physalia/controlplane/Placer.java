package io.physalia.controlplane;

import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * Places new cells (paper section 3.2). Rows are tried nearest to the clients first; within a
 * row, the color with most room (unless the request names one); within a row and color, the
 * nodes are chosen greedily: healthy and under-full, never more than a minority per rack or power
 * domain, preferring new racks, new power domains, then nodes that share fewest cells with those
 * already chosen ({@link PlacementPolicy#NEAR_CLIENTS} first fills the racks the clients are in).
 * If the greedy pass gets stuck where a placement exists, a max-flow over racks and power domains
 * finds one. Refusals name the rule and the row.
 */
public final class Placer {
    private final Fleet fleet;
    private final PlacementPolicy policy;

    public Placer(Fleet fleet, PlacementPolicy policy) {
        this.fleet = fleet;
        this.policy = policy;
    }

    /** Places the cell, adding it to the fleet, or explains why no row can take it. */
    public PlacementResult place(PlacementRequest req, RandomGenerator random) {
        if (fleet.cell(req.cellId()).isPresent()) {
            throw new IllegalArgumentException("cell " + req.cellId() + " already exists");
        }
        if (req.color().isPresent() && !fleet.colors().contains(req.color().get())) {
            return new PlacementResult.Refused(req.cellId(), List.of("no node in the fleet has color " + req.color().get()));
        }
        if (fleet.nodes().isEmpty()) {
            return new PlacementResult.Refused(req.cellId(), List.of("the fleet has no nodes"));
        }
        List<String> reasons = new ArrayList<>();
        Set<Location> clientRacks = new HashSet<>(req.clients());
        for (Fleet.Row row : fleet.rowsByDistance(req.clients(), req.color())) {
            List<String> colors = req.color().map(List::of).orElseGet(() -> colorsByRoom(row));
            for (String color : colors) {
                Attempt a = tryRow(row, color, req.size(), clientRacks, random);
                if (a.members != null) {
                    fleet.addCell(req.cellId(), color, req.size(), req.clients(), a.members);
                    return new PlacementResult.Placed(req.cellId(), row.path(), color,
                            a.members.stream().map(Node::name).toList());
                }
                reasons.add(a.reason);
            }
        }
        return new PlacementResult.Refused(req.cellId(), reasons);
    }

    private List<String> colorsByRoom(Fleet.Row row) {
        List<String> colors = new ArrayList<>(fleet.colors());
        colors.sort(Comparator.<String>comparingLong(c -> -row.freeReplicas(c)).thenComparing(c -> c));
        return colors;
    }

    private record Attempt(List<Node> members, String reason) {}

    private Attempt tryRow(Fleet.Row row, String color, int size, Set<Location> clientRacks, RandomGenerator random) {
        String where = "row " + row.path() + ": ";
        List<Node> all = row.nodes(color);
        if (all.isEmpty()) {
            return new Attempt(null, where + "no nodes of color " + color);
        }
        List<Node> free = new ArrayList<>();
        for (Node n : all) {
            if (n.canHost()) {
                free.add(n);
            }
        }
        if (free.size() < size) {
            return new Attempt(null, where + "only " + free.size() + " of " + all.size() + " nodes of color " + color
                    + " are healthy and under-full; need " + size);
        }
        Map<String, Integer> byRack = new TreeMap<>();
        Map<String, Integer> byPower = new TreeMap<>();
        for (Node n : free) {
            byRack.merge(n.rack(), 1, Integer::sum);
            byPower.merge(n.power(), 1, Integer::sum);
        }
        if (byRack.size() < Rules.MIN_RACKS) {
            return new Attempt(null, where + "only " + byRack.size() + " racks with free capacity for color " + color
                    + " " + byRack.keySet() + "; need " + Rules.MIN_RACKS);
        }
        int max = Rules.maxPerDomain(size);
        int rackSeats = byRack.values().stream().mapToInt(c -> Math.min(c, max)).sum();
        if (rackSeats < size) {
            return new Attempt(null, where + "racks with free capacity for color " + color + " " + byRack
                    + " can take only " + rackSeats + " members without one holding a majority (more than " + max
                    + " of " + size + "); need " + size);
        }
        int powerSeats = byPower.values().stream().mapToInt(c -> Math.min(c, max)).sum();
        if (powerSeats < size) {
            return new Attempt(null, where + "power domains with free capacity for color " + color + " " + byPower
                    + " can take only " + powerSeats + " members without one holding a majority (more than " + max
                    + " of " + size + "); need " + size);
        }
        int[] tie = new int[free.size()];
        for (int i = 0; i < tie.length; i++) {
            tie[i] = random.nextInt();
        }
        List<Node> chosen = greedy(free, size, clientRacks, tie);
        if (chosen == null) {
            chosen = SeatFlow.seat(free, size, max, tie);
        }
        if (chosen == null) {
            return new Attempt(null, where + "racks " + byRack + " and power domains " + byPower + " together cannot seat "
                    + size + " members of color " + color + " without a majority in one rack or power domain");
        }
        return new Attempt(chosen, null);
    }

    private List<Node> greedy(List<Node> free, int size, Set<Location> clientRacks, int[] tie) {
        int max = Rules.maxPerDomain(size);
        boolean[] near = new boolean[free.size()];
        if (policy == PlacementPolicy.NEAR_CLIENTS) {
            for (int i = 0; i < near.length; i++) {
                near[i] = clientRacks.contains(free.get(i).topology().location());
            }
        }
        boolean[] used = new boolean[free.size()];
        long[] overlap = new long[free.size()];
        Map<String, Integer> rackCount = new TreeMap<>();
        Map<String, Integer> powerCount = new TreeMap<>();
        List<Node> chosen = new ArrayList<>(size);
        while (chosen.size() < size) {
            boolean last = chosen.size() == size - 1 && policy != PlacementPolicy.RANDOM;
            int best = -1;
            boolean bestRepeats = false;
            int bestRack = 0;
            int bestPower = 0;
            for (int i = 0; i < free.size(); i++) {
                if (used[i]) {
                    continue;
                }
                Node n = free.get(i);
                int rc = rackCount.getOrDefault(n.rack(), 0);
                int pc = powerCount.getOrDefault(n.power(), 0);
                if (rc >= max || pc >= max) {
                    continue;
                }
                boolean repeats = false;
                if (last) {
                    chosen.add(n);
                    repeats = fleet.hasMemberSet(chosen);
                    chosen.remove(chosen.size() - 1);
                }
                if (best < 0 || (repeats != bestRepeats ? !repeats
                        : near[i] != near[best] ? near[i]
                        : better(n, rc, pc, overlap[i], tie[i], free.get(best), bestRack, bestPower, overlap[best], tie[best]))) {
                    best = i;
                    bestRepeats = repeats;
                    bestRack = rc;
                    bestPower = pc;
                }
            }
            if (best < 0) {
                return null;
            }
            used[best] = true;
            Node pick = free.get(best);
            chosen.add(pick);
            rackCount.merge(pick.rack(), 1, Integer::sum);
            powerCount.merge(pick.power(), 1, Integer::sum);
            if (policy != PlacementPolicy.RANDOM) {
                for (int i = 0; i < free.size(); i++) {
                    if (!used[i]) {
                        overlap[i] += free.get(i).sharedCells(pick);
                    }
                }
            }
        }
        return chosen;
    }

    private boolean better(Node a, int aRack, int aPower, long aOverlap, int aTie,
            Node b, int bRack, int bPower, long bOverlap, int bTie) {
        if (aRack != bRack) {
            return aRack < bRack;
        }
        if (policy != PlacementPolicy.RANDOM && aOverlap != bOverlap) {
            return aOverlap < bOverlap;
        }
        if (aPower != bPower) {
            return aPower < bPower;
        }
        if (policy != PlacementPolicy.RANDOM) {
            long fa = (long) a.hostedReplicas() * b.capacityReplicas();
            long fb = (long) b.hostedReplicas() * a.capacityReplicas();
            if (fa != fb) {
                return fa < fb;
            }
        }
        return aTie < bTie;
    }

    /** The placement policy in use. */
    public PlacementPolicy policy() {
        return policy;
    }
}
