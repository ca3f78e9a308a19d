package io.physalia.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorMainTest {
    @Test
    void flagsAreReadInBothForms() {
        assertEquals(Map.of("namespace", "prod", "leader-election", "false"),
                OperatorMain.flags(new String[] {"--namespace", "prod", "--leader-election=false"}));
    }

    @Test
    void badFlagsAreRefusedWithWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OperatorMain.flags(new String[] {"--colour", "x"}))
                .getMessage().contains("unknown flag --colour"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OperatorMain.flags(new String[] {"--leader-election", "yes"}))
                .getMessage().contains("true or false"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OperatorMain.flags(new String[] {"--namespace", "Prod_1"}))
                .getMessage().contains("not a namespace name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OperatorMain.flags(new String[] {"--metrics-port", "http"}))
                .getMessage().contains("--metrics-port must be a port number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OperatorMain.flags(new String[] {"--metrics-port", "70000"}))
                .getMessage().contains("--metrics-port must be a port number"));
        assertEquals(Map.of("metrics-port", "0"), OperatorMain.flags(new String[] {"--metrics-port=0"}));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OperatorMain.flags(new String[] {"--namespace"}))
                .getMessage().contains("needs a value"));
    }
}
