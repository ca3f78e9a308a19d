package io.physalia.controlplane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that a saved {@link EngineState} fits a fleet before the engine takes it back: every
 * cell names known nodes of its color, as many as its size, without exceeding any node's
 * capacity; every in-flight action belongs to a known cell, one per cell, with its joining node
 * among the cell's members and its leaving node not.
 */
final class StateCheck {
    private StateCheck() {}

    static List<String> problems(Fleet fleet, EngineState s) {
        List<String> out = new ArrayList<>();
        if (s.nextActionId() < 1) {
            out.add("nextActionId must be at least 1; got " + s.nextActionId());
        }
        EngineState.Counters k = s.counters();
        if (k.repairsIssued() < 0 || k.movesIssued() < 0 || k.caughtUp() < 0 || k.aborted() < 0 || k.deferredByRateLimit() < 0) {
            out.add("counters must not be negative: " + k);
        }
        Map<String, EngineState.CellState> cells = new HashMap<>();
        Map<String, Integer> load = new HashMap<>();
        for (EngineState.CellState c : s.cells()) {
            cell(fleet, c, cells, load, out);
        }
        Set<Long> ids = new HashSet<>();
        Set<String> busy = new HashSet<>();
        for (Action a : s.inFlight()) {
            action(fleet, a, cells, ids, busy, s.nextActionId(), load, out);
        }
        load.forEach((node, count) -> {
            Node n = fleet.node(node).orElseThrow();
            if (count > n.capacityReplicas()) {
                out.add("node " + node + " would hold " + count + " replicas (slots reserved by in-flight actions included); its capacity is "
                        + n.capacityReplicas());
            }
        });
        return out;
    }

    private static void cell(Fleet fleet, EngineState.CellState c, Map<String, EngineState.CellState> cells,
            Map<String, Integer> load, List<String> out) {
        String where = "cell '" + c.id() + "': ";
        if (c.id().isBlank()) {
            out.add("a cell has a blank id");
            return;
        }
        if (cells.putIfAbsent(c.id(), c) != null) {
            out.add(where + "listed twice");
            return;
        }
        try {
            Rules.checkSize(c.size());
        } catch (IllegalArgumentException e) {
            out.add(where + e.getMessage());
        }
        if (!fleet.colors().contains(c.color())) {
            out.add(where + "color " + c.color() + " is not a color of this fleet " + fleet.colors());
        }
        if (c.members().size() != c.size()) {
            out.add(where + "has " + c.members().size() + " members " + c.members() + "; its size is " + c.size());
        }
        if (new HashSet<>(c.members()).size() != c.members().size()) {
            out.add(where + "lists a member twice " + c.members());
        }
        for (String m : c.members()) {
            Optional<Node> n = fleet.node(m);
            if (n.isEmpty()) {
                out.add(where + "member " + m + " is not a node of this fleet");
            } else if (!n.get().color().equals(c.color())) {
                out.add(where + "member " + m + " is " + n.get().color() + ", the cell is " + c.color());
            } else {
                load.merge(m, 1, Integer::sum);
            }
        }
    }

    private static void action(Fleet fleet, Action a, Map<String, EngineState.CellState> cells, Set<Long> ids,
            Set<String> busy, long nextActionId, Map<String, Integer> load, List<String> out) {
        String where = "in-flight action #" + a.id() + ": ";
        if (a.kind() == null) {
            out.add(where + "has no kind");
        }
        if (a.id() < 1 || a.id() >= nextActionId) {
            out.add(where + "id must be from 1 to nextActionId - 1 (" + (nextActionId - 1) + ")");
        }
        if (!ids.add(a.id())) {
            out.add(where + "listed twice");
        }
        EngineState.CellState c = cells.get(a.cellId());
        if (c == null) {
            out.add(where + "its cell '" + a.cellId() + "' is not among the cells");
            return;
        }
        if (!busy.add(a.cellId())) {
            out.add(where + "cell '" + a.cellId() + "' has another action in flight");
        }
        if (!c.color().equals(a.color())) {
            out.add(where + "color " + a.color() + " is not its cell's color " + c.color());
        }
        if (!c.members().contains(a.joining())) {
            out.add(where + "joining node " + a.joining() + " is not among cell '" + c.id() + "''s members " + c.members());
        }
        if (c.members().contains(a.leaving())) {
            out.add(where + "leaving node " + a.leaving() + " is still among cell '" + c.id() + "''s members " + c.members());
        }
        if (fleet.node(a.leaving()).isEmpty()) {
            out.add(where + "leaving node " + a.leaving() + " is not a node of this fleet");
        } else {
            load.merge(a.leaving(), 1, Integer::sum); // its slot stays reserved until the action is reported
        }
    }
}
