package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.CellLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The API reference states the cell limits the node enforces, read from {@link CellLimits}. */
class OpenApiLimitsTest {
    private static final Path OPENAPI = Path.of("..", "docs", "openapi.yaml");

    @Test
    void memberListsAllowAtMostTheMostMembers() throws Exception {
        String doc = Files.readString(OPENAPI);
        Matcher m = Pattern.compile("members: \\{ type: array, minItems: (\\d+), maxItems: (\\d+)").matcher(doc);
        int found = 0;
        while (m.find()) {
            found++;
            assertEquals(CellLimits.MIN_MEMBERS, Integer.parseInt(m.group(1)), "minItems of members in " + OPENAPI);
            assertEquals(CellLimits.MAX_MEMBERS, Integer.parseInt(m.group(2)), "maxItems of members in " + OPENAPI);
        }
        assertTrue(found >= 2, "the create-cell and discovery member lists are in " + OPENAPI);
    }

    @Test
    void cellNamePatternsAreTheCellNameRegex() throws Exception {
        String quantifier = "{0," + (CellLimits.CELL_NAME_MAX_LENGTH - 1) + "}";
        List<String> cellPatterns = Files.readAllLines(OPENAPI).stream()
                .filter(l -> l.contains("pattern:") && l.contains(quantifier)).toList();
        assertTrue(cellPatterns.size() >= 2, "the cell name parameters in " + OPENAPI + " allow "
                + CellLimits.CELL_NAME_MAX_LENGTH + " characters (" + quantifier + ")");
        for (String line : cellPatterns) {
            assertTrue(line.contains("'^" + CellLimits.CELL_NAME_REGEX + "$'"), "expected the cell name regex in: " + line.strip());
        }
    }
}
