package io.physalia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void clientCommandsAreToldFromControlPlaneCommands() {
        assertTrue(ClientCommands.handles(new String[] {"create", "--cell", "c", "--members", "n1"}));
        assertFalse(ClientCommands.handles(new String[] {"create", "--cell", "c", "--client-rack", "r1-k1"}));
        assertFalse(ClientCommands.handles(new String[] {"create", "--cell", "c", "--client-rack=r1-k1"}));
        for (String c : new String[] {"put", "get", "delete", "increment", "txn", "scan", "lease", "cell-status"}) {
            assertTrue(ClientCommands.handles(new String[] {c}), c);
            assertTrue(Main.USAGE.contains(c), c + " is in the usage text");
        }
        assertFalse(ClientCommands.handles(new String[] {"status"}));
        assertFalse(ClientCommands.handles(new String[] {"local"}));
    }
}
