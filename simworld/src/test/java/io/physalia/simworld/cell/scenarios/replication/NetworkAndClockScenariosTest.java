package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.big;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.get;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.getTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.healAndSettle;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.leaders;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.ok;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.putTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.readValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.Workload;
import io.physalia.simworld.net.Fault;
import io.physalia.simworld.net.MessageMatcher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Lossy, duplicating, reordering networks; clocks that drift and jump; leader-lease reads. */
class NetworkAndClockScenariosTest {
    private static final MessageMatcher<Packet> CELL_TRAFFIC = MessageMatcher.where(p -> p instanceof Packet.Cell);

    /** Runs a KV workload of {@code clients} clients for {@code millis}, then stops it and settles. */
    private static Workload load(CellWorld w, int clients, long millis, Runnable beforeSettle) {
        Workload load = new Workload(w);
        for (int i = 0; i < clients; i++) {
            load.startKvClient(w.addClient());
        }
        w.runFor(millis);
        load.stop();
        assertTrue(w.runUntilClientsIdle(30_000));
        beforeSettle.run();
        healAndSettle(w, w.addClient());
        return load;
    }

    @ParameterizedTest(name = "drop {0} on {1} nodes")
    @CsvSource({"0.1, 3, 3001", "0.2, 5, 3002", "0.3, 3, 3003", "0.3, 7, 3004"})
    void lossyReplicaTrafficStaysLinearizableAndLive(double drop, int nodes, long seed) {
        CellWorld w = new CellWorld(seed, nodes);
        w.network().addRule("loss", CELL_TRAFFIC, Fault.drop(drop));
        Workload l = load(w, 3, 3_000, () -> w.network().clearRules());
        assertTrue(l.completed() > 10, "progress despite loss: " + l.completed());
        w.checkLinearizable();
    }

    @Test
    void lossyClientTrafficStaysLinearizable() {
        CellWorld w = new CellWorld(3005, 3);
        w.network().addRule("loss", MessageMatcher.where(p -> p instanceof Packet.Request || p instanceof Packet.Response),
                Fault.drop(0.25));
        Workload l = load(w, 3, 3_000, () -> w.network().clearRules());
        assertTrue(l.completed() > 10);
        w.checkLinearizable();
    }

    @Test
    void duplicatedMessagesApplyOnce() {
        CellWorld w = new CellWorld(3006, 3);
        w.network().addRule("dup", MessageMatcher.any(), Fault.duplicate(0.5));
        SimClient c = w.addClient();
        for (int i = 0; i < 10; i++) {
            ok(w, c, new ClientOp.Incr("ctr", 1));
        }
        assertEquals(big(10), get(w, c, "ctr"));
        w.network().clearRules();
        w.checkLinearizable();
    }

    @Test
    void duplicatesUnderLoadStayLinearizable() {
        CellWorld w = new CellWorld(3007, 5);
        w.network().addRule("dup", MessageMatcher.any(), Fault.duplicate(0.3));
        Workload l = load(w, 4, 2_000, () -> w.network().clearRules());
        assertTrue(l.completed() > 10);
        w.checkLinearizable();
    }

    @Test
    void reorderedMessagesStayLinearizable() {
        CellWorld w = new CellWorld(3008, 5);
        w.network().addRule("reorder", MessageMatcher.any(), Fault.reorder(0.4, 50));
        Workload l = load(w, 4, 2_000, () -> w.network().clearRules());
        assertTrue(l.completed() > 10);
        w.checkLinearizable();
    }

    @Test
    void delayedMessagesStayLinearizable() {
        CellWorld w = new CellWorld(3009, 3);
        w.network().addRule("slow", CELL_TRAFFIC, Fault.delay(5, 120));
        Workload l = load(w, 3, 3_000, () -> w.network().clearRules());
        assertTrue(l.completed() > 5);
        w.checkLinearizable();
    }

    @Test
    void everyFaultAtOnceStaysLinearizable() {
        CellWorld w = new CellWorld(3010, 5);
        w.network().addRule("loss", MessageMatcher.any(), Fault.drop(0.15));
        w.network().addRule("dup", MessageMatcher.any(), Fault.duplicate(0.2));
        w.network().addRule("reorder", MessageMatcher.any(), Fault.reorder(0.2, 40));
        w.network().addRule("slow", MessageMatcher.any(), Fault.delay(0, 30));
        Workload l = load(w, 4, 3_000, () -> w.network().clearRules());
        assertTrue(l.completed() > 5);
        w.checkLinearizable();
    }

    @Test
    void oneWayLinkLossFromTheLeaderStillCommits() {
        CellWorld w = new CellWorld(3011, 3);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        String leader = leaders(w).get(0);
        String other = leader.equals("n1") ? "n2" : "n1";
        w.network().addRule("cut-link", MessageMatcher.link(leader, other), Fault.dropAll());
        for (int i = 2; i <= 6; i++) {
            ok(w, c, new ClientOp.Put("k", i));
        }
        assertEquals(big(6), get(w, c, "k"));
        w.network().clearRules();
        healAndSettle(w, c);
        w.checkLinearizable();
    }

    @ParameterizedTest(name = "rates {0} {1} {2}")
    @CsvSource({"0.6, 1.0, 1.7, 3101", "1.0, 2.5, 1.0, 3102", "0.4, 0.5, 1.1, 3103"})
    void clockRatesWithinTheBoundKeepLeaseReadsLinearizable(double r1, double r2, double r3, long seed) {
        CellWorld w = new CellWorld(seed, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(300));
        w.node("n1").clock().setRate(r1);
        w.node("n2").clock().setRate(r2);
        w.node("n3").clock().setRate(r3);
        Workload l = load(w, 4, 3_000, () -> { });
        assertTrue(l.completed() > 10);
        w.checkLinearizable();
    }

    @Test
    void clockRatesChangingDuringALeaderCrashStayLinearizable() {
        CellWorld w = new CellWorld(3104, 5, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(400));
        Workload load = new Workload(w);
        for (int i = 0; i < 3; i++) {
            load.startKvClient(w.addClient());
        }
        w.runFor(600);
        String leader = Scenario.awaitLeader(w);
        w.node(leader).clock().setRate(0.5); // the old leader's lease runs slow: rivals must wait long enough
        w.partition("cut", leader);
        w.runFor(1_500);
        w.healAll();
        w.node(leader).clock().setRate(1.0);
        w.runFor(1_000);
        load.stop();
        assertTrue(w.runUntilClientsIdle(30_000));
        healAndSettle(w, w.addClient());
        w.checkLinearizable();
    }

    @Test
    void wallClockJumpsDoNotBreakLinearizability() {
        CellWorld w = new CellWorld(3105, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(300));
        Workload load = new Workload(w);
        for (int i = 0; i < 3; i++) {
            load.startKvClient(w.addClient());
        }
        w.runFor(500);
        w.node("n1").clock().jump(10_000);
        w.node("n2").clock().jump(-60_000);
        w.runFor(800);
        w.node("n3").clock().skew(-3_600_000);
        w.node("n1").clock().jump(-20_000);
        w.runFor(800);
        load.stop();
        assertTrue(w.runUntilClientsIdle(30_000));
        healAndSettle(w, w.addClient());
        w.checkLinearizable();
    }

    @Test
    void leaderServesLinearizableReadsLocallyWhileItsLeaseHolds() {
        CellWorld w = new CellWorld(3201, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(500));
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", new Command.ClientTxn("p", 1, putTxn("k", 5)))));
        Reply r = p.await(p.read("n1", getTxn("k"), ClientRequest.ReadMode.LINEARIZABLE, 0));
        Reply.ReadResult rr = assertInstanceOf(Reply.ReadResult.class, r);
        assertTrue(rr.servedLocally(), "read under the leader lease is local");
        assertEquals(big(5), readValue(rr));
    }

    @Test
    void afterTheLeaseExpiresAReadGoesThroughTheLog() {
        CellWorld w = new CellWorld(3202, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(200));
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", new Command.ClientTxn("p", 1, putTxn("k", 5)))));
        w.runFor(5_000);
        Reply r = p.await(p.read("n1", getTxn("k"), ClientRequest.ReadMode.LINEARIZABLE, 0));
        Reply.ReadResult rr = assertInstanceOf(Reply.ReadResult.class, r);
        assertFalse(rr.servedLocally(), "no lease: the read must be confirmed through the log");
        assertEquals(big(5), readValue(rr));
        // That log round renewed the lease: the next read is local again.
        Reply.ReadResult next = assertInstanceOf(Reply.ReadResult.class,
                p.await(p.read("n1", getTxn("k"), ClientRequest.ReadMode.LINEARIZABLE, 0)));
        assertTrue(next.servedLocally(), "the lease was renewed by the log round");
    }

    @Test
    void withLeasesOffReadsAreNeverLocal() {
        CellWorld w = new CellWorld(3203, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(0));
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", new Command.ClientTxn("p", 1, putTxn("k", 5)))));
        Reply.ReadResult rr = assertInstanceOf(Reply.ReadResult.class,
                p.await(p.read("n1", getTxn("k"), ClientRequest.ReadMode.LINEARIZABLE, 0)));
        assertFalse(rr.servedLocally());
        assertEquals(big(5), readValue(rr));
    }

    @Test
    void partitionedLeaderStopsServingLocalReadsOnceItsLeaseRunsOut() {
        CellWorld w = new CellWorld(3204, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(300));
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", new Command.ClientTxn("p", 1, putTxn("k", 1)))));
        w.partition("cut", "n1", "client-probe");
        w.runFor(400);
        Reply r = p.await(p.read("n1", getTxn("k"), ClientRequest.ReadMode.LINEARIZABLE, 0));
        assertFalse(r instanceof Reply.ReadResult rr && rr.servedLocally(),
                "an isolated leader past its lease must not answer locally: " + r);
        assertFalse(r instanceof Reply.ReadResult, "nor through a log it cannot reach: " + r);
    }
}
