package io.physalia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void flagsTakeSpaceOrEqualsAndRefuseRepeatsAndStrays() {
        assertEquals(Map.of("node", "a:1", "cell", "c"), Main.flags(new String[] {"--node", "a:1", "--cell=c"}));
        assertThrows(IllegalArgumentException.class, () -> Main.flags(new String[] {"--cell", "a", "--cell", "b"}));
        assertThrows(IllegalArgumentException.class, () -> Main.flags(new String[] {"stray"}));
        assertThrows(IllegalArgumentException.class, () -> Main.flags(new String[] {"--cell"}));
    }
}
