package io.physalia.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoundedMapTest {
    @Test
    void oldestFirstOutDropsTheEarliestInsertedEvenIfReadSince() {
        Map<String, Integer> m = BoundedMap.oldestFirstOut(2);
        m.put("a", 1);
        m.put("b", 2);
        m.get("a");
        m.put("c", 3);
        assertEquals(List.of("b", "c"), List.copyOf(m.keySet()));
    }

    @Test
    void leastRecentlyUsedKeepsWhatWasReadLately() {
        Map<String, Integer> m = BoundedMap.leastRecentlyUsed(2);
        m.put("a", 1);
        m.put("b", 2);
        m.get("a");
        m.put("c", 3);
        assertEquals(List.of("a", "c"), List.copyOf(m.keySet()));
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertEquals("a bounded map holds at least 1 entry; got a limit of 0",
                assertThrows(IllegalArgumentException.class, () -> BoundedMap.oldestFirstOut(0)).getMessage());
    }
}
