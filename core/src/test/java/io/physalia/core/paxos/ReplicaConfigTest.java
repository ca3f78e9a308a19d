package io.physalia.core.paxos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReplicaConfigTest {

    @Test
    void theDefaultLeaseAndBoundPutTheFailoverFloorAt600Millis() {
        assertEquals(200, ReplicaConfig.DEFAULT.leaderLeaseMillis());
        assertEquals(3, ReplicaConfig.DEFAULT.clockRateBound());
        assertEquals(600, ReplicaConfig.DEFAULT.leaseRefusalMillis(ReplicaConfig.DEFAULT.leaderLeaseMillis()));
        assertEquals(1_000, ReplicaConfig.DEFAULT.withLease(500, 2).leaseRefusalMillis(500));
    }

    @Test
    void aBoundOutsideItsRangeOrALeaseTooLongIsRefusedWithWhatWasWrong() {
        assertEquals("clockRateBound must be in 2..10 (no clock runs that many times as fast as another), was 1",
                assertThrows(IllegalArgumentException.class, () -> ReplicaConfig.DEFAULT.withLease(200, 1)).getMessage());
        assertEquals("clockRateBound must be in 2..10 (no clock runs that many times as fast as another), was 11",
                assertThrows(IllegalArgumentException.class, () -> ReplicaConfig.DEFAULT.withLease(200, 11)).getMessage());
        assertEquals("leaderLeaseMillis must be <= 60000, was 60001",
                assertThrows(IllegalArgumentException.class, () -> ReplicaConfig.DEFAULT.withLease(60_001, 3)).getMessage());
        assertEquals("leaderLeaseMillis must be >= 0, was -1",
                assertThrows(IllegalArgumentException.class, () -> ReplicaConfig.DEFAULT.withLease(-1, 3)).getMessage());
        assertEquals(0, ReplicaConfig.DEFAULT.withLease(0, 3).leaderLeaseMillis(), "0: no lease, reads go through the log");
    }
}
