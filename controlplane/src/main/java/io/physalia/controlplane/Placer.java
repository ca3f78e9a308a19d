package io.physalia.controlplane;

import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
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
    /** Per rack and per power domain counters, indexed by the fleet's ids; all zero between uses. */
    private int[] rackScratch = new int[0];
    private int[] powerScratch = new int[0];
    /** For each node (by index): 1 + its position in the current candidate list, or 0. */
    private int[] positionScratch = new int[0];

    public Placer(Fleet fleet, PlacementPolicy policy) {
        this.fleet = fleet;
        this.policy = policy;
    }

    /** Places the cell, adding it to the fleet, or explains why no row can take it. */
    public PlacementResult place(PlacementRequest req, RandomGenerator random) {
        return placeCell(req, random).result();
    }

    /**
     * A placement as the engine needs it: the result; the new cell (null if refused); and whether
     * it sits in the nearest row to its clients that has nodes of its color (else it is queued to
     * move in when room appears). Found while the rows are tried, so nothing is looked up again.
     */
    record Outcome(PlacementResult result, Cell cell, boolean inNearestRow) {}

    Outcome placeCell(PlacementRequest req, RandomGenerator random) {
        if (fleet.cell(req.cellId()).isPresent()) {
            throw new IllegalArgumentException("cell " + req.cellId() + " already exists");
        }
        if (req.color().isPresent() && !fleet.colors().contains(req.color().get())) {
            return new Outcome(new PlacementResult.Refused(req.cellId(),
                    List.of("no node in the fleet has color " + req.color().get())), null, false);
        }
        if (fleet.nodes().isEmpty()) {
            return new Outcome(new PlacementResult.Refused(req.cellId(), List.of("the fleet has no nodes")), null, false);
        }
        List<String> reasons = new ArrayList<>();
        ClientRacks clientRacks = policy == PlacementPolicy.NEAR_CLIENTS ? ClientRacks.of(fleet, req.clients()) : ClientRacks.NONE;
        List<Fleet.Row> rows = fleet.rowsByDistance(req.clients(), req.color());
        for (Fleet.Row row : rows) {
            List<String> colors = req.color().map(List::of).orElseGet(() -> colorsByRoom(row));
            for (String color : colors) {
                Attempt a = tryRow(row, color, req.size(), clientRacks, random);
                if (a.members != null) {
                    Cell cell = fleet.addCell(req.cellId(), color, req.size(), req.clients(), a.members);
                    List<String> names = new ArrayList<>(a.members.size());
                    for (Node n : a.members) {
                        names.add(n.name());
                    }
                    PlacementResult placed = new PlacementResult.Placed(req.cellId(), row.path(), color,
                            Collections.unmodifiableList(names));
                    return new Outcome(placed, cell, row.distanceTo(req.clients()) <= nearestWithColor(rows, color,
                            req.clients()));
                }
                reasons.add(a.reason);
            }
        }
        return new Outcome(new PlacementResult.Refused(req.cellId(), reasons), null, false);
    }

    /** The distance of the nearest row that has nodes of {@code color}; {@code rows} are sorted nearest first. */
    private static int nearestWithColor(List<Fleet.Row> rows, String color, List<io.physalia.topology.Location> clients) {
        for (Fleet.Row r : rows) {
            if (!r.nodes(color).isEmpty()) {
                return r.distanceTo(clients);
            }
        }
        return Integer.MAX_VALUE;
    }

    private List<String> colorsByRoom(Fleet.Row row) {
        List<String> colors = new ArrayList<>(fleet.colors());
        colors.sort(Comparator.<String>comparingLong(c -> -row.freeReplicas(c)).thenComparing(c -> c));
        return colors;
    }

    private record Attempt(List<Node> members, String reason) {}

    private Attempt tryRow(Fleet.Row row, String color, int size, ClientRacks clientRacks, RandomGenerator random) {
        String where = "row " + row.path() + ": ";
        NodeGroup group = row.group(color);
        if (group == null || group.size() == 0) {
            return new Attempt(null, where + "no nodes of color " + color);
        }
        // Read the group's arrays, not each node: this runs for every placement.
        boolean[] canHost = group.canHost();
        int[] rackIds = group.rackIds();
        int[] powerIds = group.powerIds();
        int[] free = new int[group.size()];
        int count = 0;
        for (int i = 0; i < canHost.length; i++) {
            if (canHost[i]) {
                free[count++] = i;
            }
        }
        if (count < size) {
            return new Attempt(null, where + "only " + count + " of " + group.size() + " nodes of color " + color
                    + " are healthy and under-full; need " + size);
        }
        int max = Rules.maxPerDomain(size);
        ensureScratch();
        // Count free nodes per rack and power domain in the scratch arrays (cleared again below).
        int racks = 0;
        int rackSeats = 0;
        int powerSeats = 0;
        for (int c = 0; c < count; c++) {
            int r = rackIds[free[c]];
            if (rackScratch[r]++ == 0) {
                racks++;
            }
            if (rackScratch[r] <= max) {
                rackSeats++;
            }
            if (++powerScratch[powerIds[free[c]]] <= max) {
                powerSeats++;
            }
        }
        for (int c = 0; c < count; c++) {
            rackScratch[rackIds[free[c]]] = 0;
            powerScratch[powerIds[free[c]]] = 0;
        }
        if (racks < Rules.MIN_RACKS) {
            return new Attempt(null, where + "only " + racks + " racks with free capacity for color " + color
                    + " " + countBy(group, free, count, Node::rack).keySet() + "; need " + Rules.MIN_RACKS);
        }
        if (rackSeats < size) {
            return new Attempt(null, where + "racks with free capacity for color " + color + " "
                    + countBy(group, free, count, Node::rack) + " can take only " + rackSeats
                    + " members without one holding a majority (more than " + max + " of " + size + "); need " + size);
        }
        if (powerSeats < size) {
            return new Attempt(null, where + "power domains with free capacity for color " + color + " "
                    + countBy(group, free, count, Node::power) + " can take only " + powerSeats
                    + " members without one holding a majority (more than " + max + " of " + size + "); need " + size);
        }
        int[] tie = new int[count];
        for (int i = 0; i < count; i++) {
            tie[i] = random.nextInt();
        }
        List<Node> chosen = greedy(group, free, count, size, clientRacks, tie);
        if (chosen == null) {
            List<Node> freeNodes = new ArrayList<>(count);
            for (int c = 0; c < count; c++) {
                freeNodes.add(group.nodes().get(free[c]));
            }
            chosen = SeatFlow.seat(freeNodes, size, max, tie);
        }
        if (chosen == null) {
            return new Attempt(null, where + "racks " + countBy(group, free, count, Node::rack) + " and power domains "
                    + countBy(group, free, count, Node::power) + " together cannot seat " + size + " members of color "
                    + color + " without a majority in one rack or power domain");
        }
        return new Attempt(chosen, null);
    }

    /** Free nodes per rack or power domain by name, sorted: for refusal messages only. */
    private static Map<String, Integer> countBy(NodeGroup group, int[] free, int count, Function<Node, String> key) {
        Map<String, Integer> out = new TreeMap<>();
        for (int c = 0; c < count; c++) {
            out.merge(key.apply(group.nodes().get(free[c])), 1, Integer::sum);
        }
        return out;
    }

    /** Sizes the per-rack, per-power-domain and per-node scratch arrays to the fleet (nodes may have been added). */
    private void ensureScratch() {
        if (rackScratch.length < fleet.rackCount()) {
            rackScratch = new int[fleet.rackCount()];
        }
        if (powerScratch.length < fleet.powerCount()) {
            powerScratch = new int[fleet.powerCount()];
        }
        if (positionScratch.length < fleet.nodes().size()) {
            positionScratch = new int[fleet.nodes().size()];
        }
    }

    /**
     * The racks a cell's clients are in ({@link PlacementPolicy#NEAR_CLIENTS} only): their fleet
     * rack ids, compared first because that is one int per candidate (this runs for every
     * candidate of every placement), then the client's whole location for a node in such a rack.
     */
    private record ClientRacks(Set<Location> locations, int[] ids) {
        static final ClientRacks NONE = new ClientRacks(Set.of(), new int[0]);

        static ClientRacks of(Fleet fleet, List<Location> clients) {
            int[] ids = new int[clients.size()];
            int n = 0;
            for (Location l : clients) {
                int id = fleet.rackId(l.rack());
                if (id >= 0) {
                    ids[n++] = id;
                }
            }
            return new ClientRacks(new HashSet<>(clients), java.util.Arrays.copyOf(ids, n));
        }

        /** Whether node {@code nodes[i]}, in rack {@code rackId}, is in the rack of one of the clients. */
        boolean contains(int rackId, List<Node> nodes, int i) {
            for (int id : ids) {
                if (id == rackId) {
                    return locations.contains(nodes.get(i).topology().location());
                }
            }
            return false;
        }
    }

    /**
     * The candidates of one greedy pass as flat arrays (rack and power ids, load, the running
     * overlap with the members chosen so far), copied from the group's arrays: the pass looks at
     * every candidate once per member.
     */
    private static final class Candidates {
        final int count;
        final int[] rack;
        final int[] power;
        final int[] hosted;
        final int[] capacity;
        final int[] tie;
        final long[] overlap;
        final boolean[] used;
        /** In a rack one of the cell's clients is in ({@link PlacementPolicy#NEAR_CLIENTS} only). */
        final boolean[] near;

        Candidates(NodeGroup group, int[] free, int count, ClientRacks clientRacks, int[] tie) {
            this.count = count;
            rack = new int[count];
            power = new int[count];
            hosted = new int[count];
            capacity = new int[count];
            this.tie = tie;
            overlap = new long[count];
            used = new boolean[count];
            near = new boolean[count];
            int[] groupRack = group.rackIds();
            int[] groupPower = group.powerIds();
            int[] groupHosted = group.hosted();
            int[] groupCapacity = group.capacities();
            for (int c = 0; c < count; c++) {
                int i = free[c];
                rack[c] = groupRack[i];
                power[c] = groupPower[i];
                hosted[c] = groupHosted[i];
                capacity[c] = groupCapacity[i];
                near[c] = clientRacks.contains(rack[c], group.nodes(), i);
            }
        }
    }

    /**
     * Chooses {@code size} members among the group's free nodes ({@code free[0..count)}, positions
     * in the group), or null if the greedy pass gets stuck.
     */
    private List<Node> greedy(NodeGroup group, int[] free, int count, int size, ClientRacks clientRacks, int[] tie) {
        int max = Rules.maxPerDomain(size);
        Candidates cand = new Candidates(group, free, count, clientRacks, tie);
        int[] rackCount = rackScratch;
        int[] powerCount = powerScratch;
        boolean dense = group.dense();
        int[] position = positionScratch;
        if (!dense) {
            for (int c = 0; c < count; c++) {
                position[group.nodes().get(free[c]).index()] = c + 1;
            }
        }
        List<Node> chosen = new ArrayList<>(size);
        long chosenKey = 0;
        try {
            while (chosen.size() < size) {
                // The last member avoids completing a member set another cell has: the best candidate
                // is checked and, if it repeats a set, set aside for the next best (rarely needed, so
                // the set index is asked about one candidate, not all of them).
                boolean last = chosen.size() == size - 1 && policy != PlacementPolicy.RANDOM;
                boolean[] repeats = last ? new boolean[count] : null;
                int best;
                int firstBest = -1;
                while (true) {
                    best = best(cand, repeats, rackCount, powerCount, max);
                    if (firstBest < 0) {
                        firstBest = best;
                    }
                    if (best < 0 || !last
                            || !fleet.hasMemberSetKey(chosenKey + Fleet.memberKey(group.nodes().get(free[best])))) {
                        break;
                    }
                    repeats[best] = true;
                }
                if (best < 0) {
                    best = firstBest; // every candidate repeats a set: take the best anyway
                }
                if (best < 0) {
                    return null;
                }
                cand.used[best] = true;
                Node pick = group.nodes().get(free[best]);
                chosen.add(pick);
                chosenKey += Fleet.memberKey(pick);
                rackCount[cand.rack[best]]++;
                powerCount[cand.power[best]]++;
                if (policy != PlacementPolicy.RANDOM && chosen.size() < size) {
                    if (dense) {
                        group.addOverlap(pick, free, count, cand.overlap);
                    } else {
                        addSparseOverlap(pick, position, cand);
                    }
                }
            }
            return chosen;
        } finally {
            for (Node n : chosen) {
                rackCount[n.rackId()] = 0;
                powerCount[n.powerId()] = 0;
            }
            if (!dense) {
                for (int c = 0; c < count; c++) {
                    position[group.nodes().get(free[c]).index()] = 0;
                }
            }
        }
    }

    /** For a group without a matrix: one pass over the pick's own table of sharing counts. */
    private static void addSparseOverlap(Node pick, int[] position, Candidates cand) {
        long[] keys = pick.sparseSharing().keys();
        int[] counts = pick.sparseSharing().counts();
        for (int s = 0; s < keys.length; s++) {
            long key = keys[s];
            if (key != 0 && key <= position.length) {
                int pos = position[(int) key - 1] - 1;
                if (pos >= 0 && !cand.used[pos]) {
                    cand.overlap[pos] += counts[s];
                }
            }
        }
    }

    /** The best unused candidate that keeps every rack and power domain below a majority, or -1. */
    private int best(Candidates c, boolean[] excluded, int[] rackCount, int[] powerCount, int max) {
        int best = -1;
        int bestRack = 0;
        int bestPower = 0;
        for (int i = 0; i < c.count; i++) {
            if (c.used[i] || (excluded != null && excluded[i])) {
                continue;
            }
            int rc = rackCount[c.rack[i]];
            int pc = powerCount[c.power[i]];
            if (rc >= max || pc >= max) {
                continue;
            }
            if (best < 0 || better(c, i, rc, pc, best, bestRack, bestPower)) {
                best = i;
                bestRack = rc;
                bestPower = pc;
            }
        }
        return best;
    }

    /**
     * Whether candidate {@code a} beats {@code b}: fewer of this cell's members in its rack; then
     * (our policy) fewer cells shared with them; then fewer in its power domain; then (our
     * policy) an emptier node; then the seeded tie-break.
     */
    private boolean better(Candidates c, int a, int aRack, int aPower, int b, int bRack, int bPower) {
        if (c.near[a] != c.near[b]) {
            return c.near[a]; // NEAR_CLIENTS: the clients' racks first, up to the rack cap
        }
        if (aRack != bRack) {
            return aRack < bRack;
        }
        if (policy != PlacementPolicy.RANDOM && c.overlap[a] != c.overlap[b]) {
            return c.overlap[a] < c.overlap[b];
        }
        if (aPower != bPower) {
            return aPower < bPower;
        }
        if (policy != PlacementPolicy.RANDOM) {
            long fa = (long) c.hosted[a] * c.capacity[b];
            long fb = (long) c.hosted[b] * c.capacity[a];
            if (fa != fb) {
                return fa < fb;
            }
        }
        return c.tie[a] < c.tie[b];
    }

    /** The placement policy in use. */
    public PlacementPolicy policy() {
        return policy;
    }
}
