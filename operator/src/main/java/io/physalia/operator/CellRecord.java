package io.physalia.operator;

import io.physalia.controlplane.Action;
import io.physalia.crds.Cell;
import io.physalia.crds.CellMember;
import java.util.List;
import java.util.Optional;

/** What a Cell's status records of its placement: enough for a restarted operator to take it back. */
record CellRecord(String color, List<String> members, Optional<Action> action) {
    static CellRecord of(Cell c) {
        var s = c.getStatus();
        if (s == null || s.getMembers() == null || s.getMembers().isEmpty() || s.getColor() == null) {
            return new CellRecord(null, List.of(), Optional.empty());
        }
        return new CellRecord(s.getColor(), s.getMembers().stream().map(CellMember::getNode).toList(),
                Optional.ofNullable(s.getAction()).map(ActionRecords::action));
    }
}
