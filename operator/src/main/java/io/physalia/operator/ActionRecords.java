package io.physalia.operator;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.ActionKind;
import io.physalia.crds.ActionRecord;
import java.time.Instant;
import java.util.Objects;

/** An engine {@link Action} as the resources record it ({@link ActionRecord}), and back. */
final class ActionRecords {
    private ActionRecords() {}

    static ActionRecord of(Action a, String detail) {
        ActionRecord r = new ActionRecord();
        r.setId(a.id());
        r.setKind(a.kind().name());
        r.setCell(a.cellId());
        r.setColor(a.color());
        r.setLeaving(a.leaving());
        r.setJoining(a.joining());
        r.setIssuedAt(Instant.ofEpochMilli(a.issuedAtMillis()).toString());
        r.setDetail(detail);
        return r;
    }

    /** The action a record describes; throws naming the field that is missing or wrong. */
    static Action action(ActionRecord r) {
        try {
            return new Action(Objects.requireNonNull(r.getId(), "id"), ActionKind.valueOf(Objects.requireNonNull(r.getKind(), "kind")),
                    Objects.requireNonNull(r.getCell(), "cell"), Objects.requireNonNull(r.getColor(), "color"),
                    Objects.requireNonNull(r.getLeaving(), "leaving"), Objects.requireNonNull(r.getJoining(), "joining"),
                    Instant.parse(Objects.requireNonNull(r.getIssuedAt(), "issuedAt")).toEpochMilli());
        } catch (NullPointerException | IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("status.action is malformed (" + e.getMessage() + ")", e);
        }
    }

    /** Whether a record describes the same action. */
    static boolean same(ActionRecord r, Action a) {
        return r != null && r.getId() != null && r.getId() == a.id() && a.cellId().equals(r.getCell());
    }
}
