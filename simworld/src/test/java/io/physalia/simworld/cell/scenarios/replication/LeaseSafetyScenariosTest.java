package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.getTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.putTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.readValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An isolated leader keeps answering local reads while its lease lasts; the majority must not
 * acknowledge a write before that lease is over, whatever the clock rates (within the clock-rate
 * bound the replicas are set to assume: 3x by default, 2x here too).
 */
class LeaseSafetyScenariosTest {

    /** Beyond the bound the guarantee is void, and the harness must notice rather than pass silently. */
    @ParameterizedTest(name = "bound {0}x, old leader clock rate {1}, others {2}")
    @CsvSource({"3, 0.25, 1.0, 6005", "2, 0.4, 1.0, 6007"})
    void beyondTheClockRateBoundTheLeaseInvariantFires(int bound, double oldRate, double othersRate, long seed) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> isolatedLeaderNeverServesAStaleLocalReadAfterTheMajorityAcknowledgesAWrite(bound, oldRate, othersRate, seed));
        assertTrue(e.getMessage().contains("lease") || e.getMessage().contains("stale"), e.getMessage());
    }

    @ParameterizedTest(name = "bound {0}x, old leader clock rate {1}, others {2}")
    @CsvSource({"3, 1.0, 1.0, 6001", "3, 0.35, 1.0, 6002", "3, 1.0, 2.9, 6003", "3, 0.5, 1.4, 6004",
            "2, 0.55, 1.0, 6006", "2, 1.0, 1.9, 6008"})
    void isolatedLeaderNeverServesAStaleLocalReadAfterTheMajorityAcknowledgesAWrite(int bound, double oldRate,
                                                                                      double othersRate, long seed) {
        CellWorld w = new CellWorld(seed, 3, ReplicaConfig.DEFAULT.withLease(1_000, bound));
        Scenario.Probe old = new Scenario.Probe(w, "client-old");
        Scenario.Probe fresh = new Scenario.Probe(w, "client-new");
        assertInstanceOf(Reply.Applied.class, old.await(old.submit("n1", new Command.ClientTxn("o", 1, putTxn("k", 1)))));
        w.node("n1").clock().setRate(oldRate);
        w.node("n2").clock().setRate(othersRate);
        w.node("n3").clock().setRate(othersRate);
        w.partition("cut", "n1", "client-old");
        long id = fresh.submit("n2", new Command.ClientTxn("f", 1, putTxn("k", 2)));
        long[] ackedAt = {-1};
        int localReads = 0;
        int staleAfterAck = 0;
        while (w.now() < 15_000) {
            w.runFor(25);
            if (ackedAt[0] < 0 && fresh.reply(id) != null) {
                Reply r = fresh.reply(id);
                if (r instanceof Reply.Applied) {
                    ackedAt[0] = w.now();
                } else {
                    id = fresh.submit(r instanceof Reply.Redirect red && red.leaderHint() != null
                            && !red.leaderHint().name().equals("n1") ? red.leaderHint().name() : "n3",
                            new Command.ClientTxn("f", 1, putTxn("k", 2)));
                }
            }
            long rid = old.read("n1", getTxn("k"), ClientRequest.ReadMode.LINEARIZABLE, 0);
            w.runFor(0);
            long sentAt = w.now();
            w.runUntil(() -> old.reply(rid) != null, 10);
            if (old.reply(rid) instanceof Reply.ReadResult rr && rr.servedLocally()) {
                localReads++;
                if (ackedAt[0] >= 0 && sentAt >= ackedAt[0] && BigInteger.ONE.equals(readValue(rr))) {
                    staleAfterAck++;
                }
            }
        }
        assertTrue(ackedAt[0] > 0, "the majority eventually acknowledges the write");
        assertTrue(localReads > 0, "the isolated leader did serve local reads during its lease");
        assertEquals(0, staleAfterAck, w.failurePrefix() + "stale local reads after the write was acknowledged at "
                + ackedAt[0]);
    }
}
