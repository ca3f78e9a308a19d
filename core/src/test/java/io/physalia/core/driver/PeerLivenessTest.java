package io.physalia.core.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PeerLivenessTest {
    private final PeerLiveness liveness = new PeerLiveness(50, 200, new HashMap<>());

    @Test
    void aPeerIsAliveUntilItHasBeenQuietLongerThanTheLimit() {
        assertFalse(liveness.alive("b", 0), "never heard: not alive");
        liveness.heard("b", 1_000);
        assertTrue(liveness.alive("b", 1_200));
        assertFalse(liveness.alive("b", 1_201));
        liveness.heard("b", 1_300);
        assertTrue(liveness.alive("b", 1_301), "heard again: alive again");
    }

    @Test
    void aPeerWhoseLinkBrokeIsDeadAtOnceAndBackWithItsNextPing() {
        liveness.heard("b", 1_000);
        liveness.lost("b");
        assertFalse(liveness.alive("b", 1_001), "its connection closed: not alive, long before the silence limit");
        assertTrue(liveness.heard("b", 1_050), "its next ping counts as a return (cells may have outcomes to tell it)");
        assertTrue(liveness.alive("b", 1_051));
    }

    @Test
    void peersThatLeftAndACrashAreForgotten() {
        liveness.heard("b", 10);
        liveness.heard("c", 10);
        liveness.retainOnly(Set.of("c"));
        assertFalse(liveness.alive("b", 10));
        assertTrue(liveness.alive("c", 10));
        liveness.clear();
        assertFalse(liveness.alive("c", 10));
    }

    @Test
    void aLimitShorterThanThreePingPeriodsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PeerLiveness(100, 250, new HashMap<>()));
        assertEquals("a peer may be declared dead only after 3 ping periods (300 ms); got 250 ms", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PeerLiveness(0, 250, new HashMap<>()));
    }
}
