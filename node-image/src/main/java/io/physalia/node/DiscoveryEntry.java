package io.physalia.node;

import io.physalia.core.cell.CellLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a cell lives: its members (node name and, when known, HTTP address) as of configuration
 * {@code epoch}, the slot from which that configuration takes effect. Epochs grow with every
 * membership change, so of two entries for a cell the one with the larger epoch is newer.
 * {@code leader} is a hint only (null when unknown); it never decides which entry wins.
 */
record DiscoveryEntry(String cell, long epoch, List<Located> members, String leader) {
    record Located(String node, String http) {}

    DiscoveryEntry {
        members = List.copyOf(members);
    }

    boolean newerThan(DiscoveryEntry other) {
        return other == null || epoch > other.epoch;
    }

    /** The same entry with the member addresses {@code addresses} knows filled in where missing. */
    DiscoveryEntry withAddresses(java.util.function.Function<String, String> addresses) {
        List<Located> filled = new ArrayList<>(members.size());
        for (Located l : members) {
            filled.add(l.http() != null ? l : new Located(l.node(), addresses.apply(l.node())));
        }
        return new DiscoveryEntry(cell, epoch, filled, leader);
    }

    DiscoveryEntry without(String node) {
        List<Located> rest = new ArrayList<>();
        for (Located l : members) {
            if (!l.node().equals(node)) {
                rest.add(l);
            }
        }
        return new DiscoveryEntry(cell, epoch, rest, leader != null && leader.equals(node) ? null : leader);
    }

    JsonObject toJson() {
        JsonArray ms = new JsonArray();
        for (Located l : members) {
            ms.add(new JsonObject().put("node", l.node()).put("http", l.http()));
        }
        JsonObject o = new JsonObject().put("cell", cell).put("epoch", epoch).put("members", ms);
        if (leader != null) {
            o.put("leader", leader);
        }
        return o;
    }

    /** Parses and checks one pushed entry; {@code at} names it in messages. */
    static DiscoveryEntry parse(Object v, String at) throws TxnJson.BadRequest {
        if (!(v instanceof JsonObject o)) {
            throw new TxnJson.BadRequest(at + " must be a JSON object");
        }
        for (String f : o.fieldNames()) {
            if (!Set.of("cell", "epoch", "members", "leader").contains(f)) {
                throw new TxnJson.BadRequest(at + " has unknown field '" + f + "' (allowed: cell, epoch, leader, members)");
            }
        }
        if (!(o.getValue("cell") instanceof String cell) || !CellLimits.isCellName(cell)) {
            throw new TxnJson.BadRequest(at + ".cell must be a cell name (1-" + CellLimits.CELL_NAME_MAX_LENGTH + " letters, digits, '.', '_' or '-')");
        }
        long epoch = TxnJson.longValue(o.getValue("epoch"), at + ".epoch");
        if (epoch < 0) {
            throw new TxnJson.BadRequest(at + ".epoch must be a non-negative integer");
        }
        if (!(o.getValue("members") instanceof JsonArray a) || a.isEmpty() || a.size() > CellLimits.MAX_MEMBERS) {
            throw new TxnJson.BadRequest(at + ".members must hold " + CellLimits.MIN_MEMBERS + "-" + CellLimits.MAX_MEMBERS + " members");
        }
        List<Located> members = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (int i = 0; i < a.size(); i++) {
            String mat = at + ".members[" + i + "]";
            if (!(a.getValue(i) instanceof JsonObject m) || !(m.getValue("node") instanceof String node)
                    || !NodeConfig.NAME.matcher(node).matches()) {
                throw new TxnJson.BadRequest(mat + " must be {\"node\": name, \"http\": \"host:port\" or null}");
            }
            Object http = m.getValue("http");
            if (http != null && (!(http instanceof String h) || NodeConfig.hostPort(h) == null)) {
                throw new TxnJson.BadRequest(mat + ".http must be host:port or null");
            }
            if (m.size() > (m.containsKey("http") ? 2 : 1)) {
                throw new TxnJson.BadRequest(mat + " has unknown fields (allowed: node, http)");
            }
            if (!seen.add(node)) {
                throw new TxnJson.BadRequest(at + ".members lists '" + node + "' twice");
            }
            members.add(new Located(node, (String) http));
        }
        Object leader = o.getValue("leader");
        if (leader != null && (!(leader instanceof String l) || !NodeConfig.NAME.matcher(l).matches())) {
            throw new TxnJson.BadRequest(at + ".leader must be a node name");
        }
        return new DiscoveryEntry(cell, epoch, members, (String) leader);
    }
}
