package io.physalia.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HealthDebounceTest {
    private static Map<String, Map<String, Boolean>> blue(boolean... ok) {
        Map<String, Boolean> m = new TreeMap<>();
        for (int i = 0; i < ok.length; i++) {
            m.put("n" + i, ok[i]);
        }
        return Map.of("blue", m);
    }

    @Test
    void aNodeIsUnhealthyOnlyAfterEnoughFailedChecksInARowAndHealthyAgainAfterOneGoodOne() {
        HealthDebounce h = new HealthDebounce(3, 0.34);
        assertEquals(List.of(), h.round(blue(true, true, true, false)));
        assertEquals(List.of(), h.round(blue(true, true, true, false)));
        assertEquals(List.of(), h.round(blue(true, true, true, true)), "a good check resets the count");
        h.round(blue(true, true, true, false));
        h.round(blue(true, true, true, false));
        assertEquals(List.of(new HealthDebounce.Change("n3", false)), h.round(blue(true, true, true, false)));
        assertEquals(List.of(), h.round(blue(true, true, true, false)), "reported once");
        assertEquals(List.of(new HealthDebounce.Change("n3", true)), h.round(blue(true, true, true, true)));
    }

    @Test
    void tooManyUnhealthyAtOnceMakesTheHealthSourceSuspectAndNothingIsReported() {
        HealthDebounce h = new HealthDebounce(1, 0.34);
        // 2 of 6 is within a third; 3 of 6 is not
        assertEquals(2, h.round(blue(false, false, true, true, true, true)).size());
        assertTrue(h.suspect().isEmpty());
        assertEquals(List.of(), h.round(blue(false, false, false, true, true, true)), "the third is held back");
        assertTrue(h.suspect().get("blue").contains("3 of 6"), h.suspect().toString());
        assertEquals(List.of(), h.round(blue(false, false, false, true, true, false)), "still suspect: nothing new reported");
        assertEquals(List.of(new HealthDebounce.Change("n1", true)), h.round(blue(false, true, false, false, false, true)),
                "a recovery is reported even while the source is suspect");
        h.round(blue(false, false, false, true, true, true));
        assertEquals(List.of(new HealthDebounce.Change("n0", true), new HealthDebounce.Change("n1", false),
                        new HealthDebounce.Change("n2", false)),
                h.round(blue(true, false, false, true, true, true)), "once the share falls, the held-back node is reported");
        assertTrue(h.suspect().isEmpty());
    }

    @Test
    void whatIsSeenIsSaidEvenWhileTheSourceIsSuspect() {
        HealthDebounce h = new HealthDebounce(2, 0.34);
        h.round(blue(false, false, true));
        assertEquals(List.of(), h.seenChanged(), "one failed check is not yet down");
        assertEquals(List.of(), h.round(blue(false, false, true)), "2 of 3 at once: suspect, nothing reported");
        assertEquals(List.of("n0", "n1"), h.seenChanged(), "but both are seen down");
        h.round(blue(false, false, true));
        assertEquals(List.of(), h.seenChanged(), "seen once, at the crossing");
        h.round(blue(true, false, true));
        assertEquals(List.of("n0"), h.seenChanged(), "and seen up again");
    }
}
