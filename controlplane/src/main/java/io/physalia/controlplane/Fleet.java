package io.physalia.controlplane;

import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The abstract fleet the engine works on: nodes (topology, color, capacity, health) indexed by
 * row and color, and cells with their members. Keeps, for every pair of nodes, how many cells
 * they share, so placement can give nodes different mixes of cells.
 */
public final class Fleet {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> byName = new HashMap<>();
    private final TreeMap<String, Row> rows = new TreeMap<>();
    /** How many cells have each exact member set, by a hash of the set (see {@link #memberSetKey}). */
    private final Counts memberSets = new Counts();
    private final TreeSet<String> colors = new TreeSet<>();
    private final TreeMap<String, Cell> cells = new TreeMap<>();
    private final Map<String, String> rackRow = new HashMap<>();
    /** Dense ids for racks and power domains, so placement can count members in arrays instead of maps. */
    private final Map<String, Integer> rackIds = new HashMap<>();
    private final Map<String, Integer> powerIds = new HashMap<>();
    private long version;

    /** Nodes of one row, by color, each list sorted by node name; with a running count of free slots per color. */
    public static final class Row {
        private final String zone;
        private final String row;
        private final TreeMap<String, NodeGroup> groups = new TreeMap<>();

        Row(String zone, String row) {
            this.zone = zone;
            this.row = row;
        }

        public String zone() {
            return zone;
        }

        public String row() {
            return row;
        }

        public String path() {
            return zone + "/" + row;
        }

        public List<Node> nodes(String color) {
            NodeGroup g = groups.get(color);
            return g == null ? List.of() : g.nodes();
        }

        /** The nodes of {@code color} in this row, or null if there are none. */
        NodeGroup group(String color) {
            return groups.get(color);
        }

        /** Free replica slots on healthy nodes of {@code color}. */
        public long freeReplicas(String color) {
            NodeGroup g = groups.get(color);
            return g == null ? 0 : g.freeReplicas();
        }

        /** Call after any change to {@code n}'s load, reservations or health; {@code delta}: its change of free slots. */
        private void adjust(Node n, long delta) {
            n.group().changed(n, n.healthy() ? delta : 0);
        }

        /** How far this row is from the clients: per client 0 in this row, 1 in this zone, 2 elsewhere. */
        public int distanceTo(List<Location> clients) {
            return Fleet.rowDistance(zone, row, clients);
        }

        @Override
        public String toString() {
            return path();
        }
    }

    static int rowDistance(String zone, String row, List<Location> clients) {
        int d = 0;
        for (Location c : clients) {
            d += !c.zone().equals(zone) ? 2 : c.row().equals(row) ? 0 : 1;
        }
        return d;
    }

    /** A fleet of {@code topology}'s nodes with the given colors, all of the same capacity. */
    public static Fleet of(Topology topology, Map<String, String> colorByNode, int capacityReplicas) {
        Fleet f = new Fleet();
        for (NodeTopology n : topology.nodes()) {
            String color = colorByNode.get(n.node());
            if (color == null) {
                throw new IllegalArgumentException("node " + n.node() + " has no color");
            }
            f.addNode(n, color, capacityReplicas);
        }
        return f;
    }

    public Node addNode(NodeTopology topology, String color, int capacityReplicas) {
        if (byName.containsKey(topology.node())) {
            throw new IllegalArgumentException("duplicate node " + topology.node());
        }
        String row = topology.zone() + "/" + topology.row();
        String knownRow = rackRow.putIfAbsent(topology.rack(), row);
        if (knownRow != null && !knownRow.equals(row)) {
            throw new IllegalArgumentException("rack " + topology.rack() + " is in row " + knownRow + ", not " + row);
        }
        version++;
        int rackId = rackIds.computeIfAbsent(topology.rack(), k -> rackIds.size());
        int powerId = powerIds.computeIfAbsent(topology.power(), k -> powerIds.size());
        Node n = new Node(nodes.size(), topology, color, capacityReplicas, rackId, powerId);
        nodes.add(n);
        byName.put(n.name(), n);
        colors.add(color);
        Row r = rows.computeIfAbsent(row, k -> new Row(topology.zone(), topology.row()));
        r.groups.computeIfAbsent(color, k -> new NodeGroup()).add(n);
        return n;
    }

    /** The id ({@link Node#rackId()}) of the rack of this name, or -1 if no node is in it. */
    int rackId(String rack) {
        return rackIds.getOrDefault(rack, -1);
    }

    /** How many racks the fleet has; rack ids ({@link Node#rackId()}) run from 0 to this minus one. */
    int rackCount() {
        return rackIds.size();
    }

    /** How many power domains the fleet has; ids ({@link Node#powerId()}) run from 0 to this minus one. */
    int powerCount() {
        return powerIds.size();
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Node requireNode(String name) {
        Node n = byName.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node " + name);
        }
        return n;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    public Collection<Row> rows() {
        return Collections.unmodifiableCollection(rows.values());
    }

    public SortedSet<String> colors() {
        return Collections.unmodifiableSortedSet(colors);
    }

    public Optional<Cell> cell(String id) {
        return Optional.ofNullable(cells.get(id));
    }

    /** All cells, ordered by id. */
    public Collection<Cell> cells() {
        return Collections.unmodifiableCollection(cells.values());
    }

    /** Rows nearest to the clients first; ties go to the row with most room for {@code color}, then by name. */
    List<Row> rowsByDistance(List<Location> clients, Optional<String> color) {
        // Called for every placement and repair: sort keys are computed once per row, not per comparison.
        record Keyed(Row row, int distance, long room) {}
        List<Keyed> keyed = new ArrayList<>(rows.size());
        for (Row r : rows.values()) {
            long room = 0;
            if (color.isPresent()) {
                room = r.freeReplicas(color.get());
            } else {
                for (String c : colors) {
                    room += r.freeReplicas(c);
                }
            }
            keyed.add(new Keyed(r, r.distanceTo(clients), room));
        }
        // rows is ordered by path, and the sort is stable, so ties on distance and room keep that order.
        keyed.sort(Comparator.comparingInt(Keyed::distance).thenComparingLong(k -> -k.room()));
        List<Row> out = new ArrayList<>(keyed.size());
        for (Keyed k : keyed) {
            out.add(k.row());
        }
        return out;
    }

    Cell addCell(String id, String color, int size, List<Location> clients, List<Node> members) {
        if (cells.containsKey(id)) {
            throw new IllegalArgumentException("duplicate cell " + id);
        }
        Cell c = new Cell(id, color, size, clients);
        cells.put(id, c);
        version++;
        for (Node n : members) {
            n.join(c, c.mutableMembers());
            c.mutableMembers().add(n);
            rowOf(n).adjust(n, -1);
        }
        rememberSet(c);
        return c;
    }

    /** Takes a cell out of the fleet: its members get their slots back. */
    void removeCell(Cell c) {
        for (Node n : List.copyOf(c.mutableMembers())) {
            removeMember(c, n);
        }
        cells.remove(c.id());
        version++;
    }

    /** Grows whenever anything placement depends on changes (members, health, reservations). */
    long version() {
        return version;
    }

    void addMember(Cell c, Node n) {
        version++;
        forgetSet(c);
        n.join(c, c.mutableMembers());
        c.mutableMembers().add(n);
        rowOf(n).adjust(n, -1);
        rememberSet(c);
    }

    void removeMember(Cell c, Node n) {
        version++;
        forgetSet(c);
        c.mutableMembers().remove(n);
        n.leave(c, c.mutableMembers());
        rowOf(n).adjust(n, 1);
        rememberSet(c);
    }

    void setHealthy(Node n, boolean healthy) {
        if (n.healthy() == healthy) {
            return;
        }
        version++;
        rowOf(n).adjust(n, -n.freeReplicas());
        n.setHealthy(healthy);
        rowOf(n).adjust(n, n.freeReplicas());
    }

    void reserve(Node n, int delta) {
        version++;
        n.reserve(delta);
        rowOf(n).adjust(n, -delta);
    }

    private Row rowOf(Node n) {
        return rows.get(n.rowPath());
    }

    /**
     * Whether some cell has exactly the members whose {@link #memberSetKey} is {@code key} (by hash;
     * a collision only costs a soft preference).
     */
    boolean hasMemberSetKey(long key) {
        return memberSets.get(nonZero(key)) > 0;
    }

    private void forgetSet(Cell c) {
        if (!c.mutableMembers().isEmpty()) {
            memberSets.decrement(nonZero(memberSetKey(c.mutableMembers())));
        }
    }

    private void rememberSet(Cell c) {
        if (!c.mutableMembers().isEmpty()) {
            memberSets.increment(nonZero(memberSetKey(c.mutableMembers())));
        }
    }

    /**
     * A hash of a member set that does not depend on the order of the members: the sum of a
     * mixed hash of each member. Being a sum, placement can extend a partial key by one candidate
     * ({@code key + memberKey(candidate)}) without rebuilding it.
     */
    static long memberSetKey(List<Node> members) {
        long h = 0;
        for (Node n : members) {
            h += memberKey(n);
        }
        return h;
    }

    /** {@link Counts} keys must not be 0; a set whose hash is 0 shares key 1 (as any collision would). */
    private static long nonZero(long key) {
        return key == 0 ? 1 : key;
    }

    /** One member's share of {@link #memberSetKey}: a 64-bit finalizer (splitmix64's) of its index. */
    static long memberKey(Node n) {
        long z = (n.index() + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
