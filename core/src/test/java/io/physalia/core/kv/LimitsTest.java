package io.physalia.core.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void defaultsAreTheSpecifiedLimits() {
        Limits d = Limits.DEFAULT;
        assertEquals(1024, d.maxKeyBytes());
        assertEquals(65_536, d.maxValueBytes());
        assertEquals(10_000, d.maxKeysPerCell());
        assertEquals(64, d.maxOpsPerTxn());
        assertEquals(64, d.maxConditionsPerTxn());
        assertEquals(1000, d.maxPageSize());
        assertEquals(1024, d.maxIntBits());
        assertEquals(16L * 1024 * 1024, d.maxCellBytes());
    }

    @Test
    void rejectsZeroNamingTheLimit() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Limits(1024, 65_536, 0, 64, 64, 1000, 1024, 1));
        assertTrue(e.getMessage().contains("maxKeysPerCell"), e.getMessage());
    }

    @Test
    void rejectsNegativeNamingTheLimit() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Limits(1, 1, 1, 1, 1, 1, 1, -5));
        assertTrue(e.getMessage().contains("maxCellBytes") && e.getMessage().contains("-5"), e.getMessage());
    }
}
