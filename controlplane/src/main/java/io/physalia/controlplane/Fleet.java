package io.physalia.controlplane;

import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final Map<Long, Integer> memberSets = new HashMap<>();
    private final TreeSet<String> colors = new TreeSet<>();
    private final TreeMap<String, Cell> cells = new TreeMap<>();
    private final Map<String, String> rackRow = new HashMap<>();
    private long version;

    /** Nodes of one row, by color, each list sorted by node name; with a running count of free slots per color. */
    public record Row(String zone, String row, TreeMap<String, List<Node>> byColor, Map<String, long[]> free) {
        public String path() {
            return zone + "/" + row;
        }

        public List<Node> nodes(String color) {
            return byColor.getOrDefault(color, List.of());
        }

        /** Free replica slots on healthy nodes of {@code color}. */
        public long freeReplicas(String color) {
            long[] f = free.get(color);
            return f == null ? 0 : f[0];
        }

        private void adjust(Node n, long delta) {
            if (n.healthy()) {
                free.computeIfAbsent(n.color(), k -> new long[1])[0] += delta;
            }
        }

        /** How far this row is from the clients: per client 0 in this row, 1 in this zone, 2 elsewhere. */
        public int distanceTo(List<Location> clients) {
            return Fleet.rowDistance(zone, row, clients);
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
        Node n = new Node(nodes.size(), topology, color, capacityReplicas);
        nodes.add(n);
        byName.put(n.name(), n);
        colors.add(color);
        Row r = rows.computeIfAbsent(row, k -> new Row(topology.zone(), topology.row(), new TreeMap<>(), new HashMap<>()));
        List<Node> list = r.byColor().computeIfAbsent(color, k -> new ArrayList<>());
        list.add(n);
        list.sort(Comparator.comparing(Node::name));
        r.adjust(n, n.freeReplicas());
        return n;
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
        List<Row> out = new ArrayList<>(rows.values());
        Map<Row, Long> room = new HashMap<>();
        for (Row r : out) {
            room.put(r, color.map(r::freeReplicas).orElseGet(() -> colors.stream().mapToLong(r::freeReplicas).sum()));
        }
        out.sort(Comparator.<Row>comparingInt(r -> r.distanceTo(clients))
                .thenComparing(r -> -room.get(r))
                .thenComparing(Row::path));
        return out;
    }

    Cell addCell(String id, String color, int size, List<Location> clients, List<Node> members) {
        if (cells.containsKey(id)) {
            throw new IllegalArgumentException("duplicate cell " + id);
        }
        Cell c = new Cell(id, color, size, clients);
        cells.put(id, c);
        for (Node n : members) {
            addMember(c, n);
        }
        return c;
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

    /** Whether some cell has exactly these members (by hash; a collision only costs a soft preference). */
    boolean hasMemberSet(List<Node> members) {
        return memberSets.containsKey(memberSetKey(members));
    }

    private void forgetSet(Cell c) {
        if (!c.mutableMembers().isEmpty()) {
            memberSets.computeIfPresent(memberSetKey(c.mutableMembers()), (k, v) -> v == 1 ? null : v - 1);
        }
    }

    private void rememberSet(Cell c) {
        if (!c.mutableMembers().isEmpty()) {
            memberSets.merge(memberSetKey(c.mutableMembers()), 1, Integer::sum);
        }
    }

    static long memberSetKey(List<Node> members) {
        int[] idx = new int[members.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = members.get(i).index();
        }
        Arrays.sort(idx);
        long h = 1125899906842597L;
        for (int i : idx) {
            h = (h ^ (i + 1)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        return h;
    }
}
