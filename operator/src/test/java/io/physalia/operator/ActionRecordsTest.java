package io.physalia.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.ActionKind;
import io.physalia.crds.ActionRecord;
import org.junit.jupiter.api.Test;

class ActionRecordsTest {
    @Test
    void anActionSurvivesItsRecord() {
        Action a = new Action(42, ActionKind.MOVE_CLOSER, "orders", "blue", "demo-blue-3", "demo-blue-11", 1_700_000_000_000L);
        ActionRecord r = ActionRecords.of(a, "adding demo-blue-11");
        assertEquals(a, ActionRecords.action(r));
        assertTrue(ActionRecords.same(r, a));
    }

    @Test
    void aMalformedRecordIsRefusedNamingTheStatusField() {
        ActionRecord r = ActionRecords.of(new Action(1, ActionKind.REPAIR, "c", "blue", "a", "b", 0), null);
        r.setKind("TELEPORT");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ActionRecords.action(r)).getMessage().contains("status.action"));
        r.setKind(null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ActionRecords.action(r)).getMessage().contains("kind"));
    }
}
