package io.physalia.core.cell;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CellLimitsTest {
    @Test
    void cellNamesFollowTheRegexUpToTheLongestLength() {
        assertTrue(CellLimits.isCellName("a"));
        assertTrue(CellLimits.isCellName("volume-1.b_2"));
        assertTrue(CellLimits.isCellName("x".repeat(CellLimits.CELL_NAME_MAX_LENGTH)));
        assertFalse(CellLimits.isCellName("x".repeat(CellLimits.CELL_NAME_MAX_LENGTH + 1)));
        assertFalse(CellLimits.isCellName(""));
        assertFalse(CellLimits.isCellName(null));
        assertFalse(CellLimits.isCellName("-leading-dash"));
        assertFalse(CellLimits.isCellName("has/slash"));
        assertFalse(CellLimits.isCellName("has space"));
    }

    @Test
    void aBadCellNameIsRefusedSayingWhatIsAllowed() {
        assertTrue(CellLimits.cellNameProblem("ok").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellLimits.validateCellName("a/b"));
        assertTrue(e.getMessage().contains("'a/b'"), e.getMessage());
        assertTrue(e.getMessage().contains("1-" + CellLimits.CELL_NAME_MAX_LENGTH), e.getMessage());
    }

    @Test
    void placedSizesAreOddFromThreeToTheMostMembers() {
        for (int size = -1; size <= CellLimits.MAX_MEMBERS + 2; size++) {
            boolean allowed = size >= CellLimits.MIN_PLACED_MEMBERS && size <= CellLimits.MAX_MEMBERS && size % 2 == 1;
            assertEquals(allowed, CellLimits.placedSizeProblem("size", size).isEmpty(), "size " + size);
        }
        assertDoesNotThrow(() -> CellLimits.validatePlacedSize("size", 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CellLimits.validatePlacedSize("--nodes", 8));
        assertEquals("--nodes must be odd, from 3 to 15; got 8", e.getMessage());
    }

    @Test
    void theDefaultLimitsAllowTheMostMembers() {
        assertEquals(CellLimits.MAX_MEMBERS, CellLimits.DEFAULT.maxMembers());
    }
}
