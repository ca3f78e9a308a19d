package io.physalia.controlplane;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.controlplane.DisruptionCheck.MemberState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DisruptionCheckTest {
    private static MemberState up(String n, long applied) {
        return new MemberState(n, true, applied);
    }

    private static MemberState down(String n) {
        return new MemberState(n, false, -1);
    }

    @Test
    void aCellOfThreeAllCaughtUpMayLoseOne() {
        var v = DisruptionCheck.withoutNode("a", Map.of("c", List.of(up("a", 10), up("b", 10), up("c", 9))));
        assertTrue(v.safe(), v.reason());
    }

    @Test
    void aCellOfThreeWithOneDownMayNotLoseAnother() {
        var v = DisruptionCheck.withoutNode("a", Map.of("orders", List.of(up("a", 10), up("b", 10), down("c"))));
        assertFalse(v.safe());
        assertTrue(v.reason().contains("cell orders would keep 1 caught-up members of 3 without a"), v.reason());
    }

    @Test
    void aLaggingMemberDoesNotCountTowardsTheQuorum() {
        // b answers but is far behind: without a, only c is caught up
        var v = DisruptionCheck.withoutNode("a", Map.of("c", List.of(up("a", 100), up("b", 40), up("c", 100))));
        assertFalse(v.safe());
    }

    @Test
    void theNodeAloneAheadMakesTheOthersLag() {
        // a holds slots the others have not applied: b and c lag a by more than the slack
        var v = DisruptionCheck.withoutNode("a", Map.of("c", List.of(up("a", 100), up("b", 90), up("c", 90))));
        assertFalse(v.safe());
    }

    @Test
    void aCellOfSevenMayLoseOneWithTwoDown() {
        var v = DisruptionCheck.withoutNode("a", Map.of("c", List.of(up("a", 5), up("b", 5), up("c", 5), up("d", 5),
                up("e", 4), down("f"), down("g"))));
        assertTrue(v.safe(), v.reason());
        var w = DisruptionCheck.withoutNode("a", Map.of("c", List.of(up("a", 5), up("b", 5), up("c", 5), up("d", 5),
                down("e"), down("f"), down("g"))));
        assertFalse(w.safe());
    }

    @Test
    void everyCellIsChecked() {
        var v = DisruptionCheck.withoutNode("a", Map.of(
                "fine", List.of(up("a", 1), up("b", 1), up("c", 1)),
                "short", List.of(up("a", 1), down("b"), up("c", 1))));
        assertFalse(v.safe());
        assertTrue(v.reason().contains("short"));
    }
}
