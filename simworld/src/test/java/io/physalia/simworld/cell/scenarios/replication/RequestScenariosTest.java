package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.big;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.getTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.incrTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.putTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.readValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.SimNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests sent straight to nodes: overload, eventual reads, exactly-once, malformed input. */
class RequestScenariosTest {

    private static Scenario.Probe warmedUp(CellWorld w) {
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", new Command.ClientTxn("warm", 1, putTxn("w", 1)))));
        w.runFor(500); // followers learn the warm-up slot
        return p;
    }

    private static long revisionEverywhere(CellWorld w) {
        long rev = -1;
        for (SimNode n : w.nodes().values()) {
            long r = n.replica(Scenario.CELL).state().revision();
            if (rev >= 0) {
                assertEquals(rev, r, n.name());
            }
            rev = r;
        }
        return rev;
    }

    // ---- overload ----

    @Test
    void aBurstBeyondTheQueueIsAnsweredOverloadedAtOnce() {
        CellWorld w = new CellWorld(5001, 3, ReplicaConfig.DEFAULT.withMaxQueuedCommands(2));
        Scenario.Probe p = warmedUp(w);
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            ids.add(p.submit("n1", new Command.ClientTxn("burst", i, incrTxn("ctr", 1))));
        }
        w.runFor(20); // one network round trip at most
        long overloaded = ids.stream().filter(id -> p.reply(id) instanceof Reply.Overloaded).count();
        assertTrue(overloaded > 0, "some of the burst is turned away: " + p.replies().values());
        for (long id : ids) {
            if (p.reply(id) instanceof Reply.Overloaded o) {
                assertTrue(o.retryAfterMillis() > 0);
            }
        }
        for (long id : ids) {
            p.await(id);
        }
        long applied = ids.stream().filter(id -> p.reply(id) instanceof Reply.Applied).count();
        long turnedAway = ids.stream().filter(id -> p.reply(id) instanceof Reply.Overloaded).count();
        assertTrue(applied >= 1, "the admitted part of the burst applied");
        assertEquals(overloaded, turnedAway, "every turned-away request was answered at once");
        assertEquals(30, applied + turnedAway, "every request is either applied or turned away: "
                + ids.stream().map(p::reply).toList());
    }

    @Test
    void theCellRecoversAfterOverload() {
        CellWorld w = new CellWorld(5002, 3, ReplicaConfig.DEFAULT.withMaxQueuedCommands(1));
        Scenario.Probe p = warmedUp(w);
        for (int i = 1; i <= 20; i++) {
            p.submit("n1", new Command.ClientTxn("burst" + i, 1, incrTxn("ctr", 1)));
        }
        w.runFor(2_000);
        Reply later = p.await(p.submit("n1", new Command.ClientTxn("later", 1, putTxn("after", 9))));
        assertInstanceOf(Reply.Applied.class, later);
        assertEquals(big(9), readValue(p.readLinearizable("n1", getTxn("after"))));
    }

    @Test
    void overloadedRequestsAreNeverApplied() {
        CellWorld w = new CellWorld(5003, 5, ReplicaConfig.DEFAULT.withMaxQueuedCommands(2));
        Scenario.Probe p = warmedUp(w);
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            ids.add(p.submit("n1", new Command.ClientTxn("c" + i, 1, incrTxn("ctr", 1))));
        }
        for (long id : ids) {
            p.await(id);
        }
        long applied = ids.stream().filter(id -> p.reply(id) instanceof Reply.Applied).count();
        w.runFor(1_000);
        assertEquals(big(applied), readValue(p.readLinearizable("n1", getTxn("ctr"))),
                "the counter counts exactly the applied increments");
    }

    // ---- eventual reads ----

    @Test
    void eventualReadAtAFollowerSeesACommittedPrefix() {
        CellWorld w = new CellWorld(5101, 3);
        Scenario.Probe p = warmedUp(w);
        Reply.Applied a = assertInstanceOf(Reply.Applied.class,
                p.await(p.submit("n1", new Command.ClientTxn("p", 1, putTxn("k", 3)))));
        w.runFor(200);
        Reply.ReadResult rr = assertInstanceOf(Reply.ReadResult.class,
                p.await(p.read("n2", getTxn("k"), ClientRequest.ReadMode.EVENTUAL, 0)));
        assertTrue(rr.servedLocally());
        if (rr.appliedUpTo() > a.slot()) {
            assertEquals(big(3), readValue(rr));
        } else {
            assertNull(readValue(rr), "before the write's slot the key is absent");
        }
    }

    @Test
    void eventualReadAheadOfTheReplicaIsUnavailable() {
        CellWorld w = new CellWorld(5102, 3);
        Scenario.Probe p = warmedUp(w);
        long applied = w.node("n2").replica(Scenario.CELL).appliedUpTo();
        Reply r = p.await(p.read("n2", getTxn("w"), ClientRequest.ReadMode.EVENTUAL, applied + 100));
        Reply.Unavailable u = assertInstanceOf(Reply.Unavailable.class, r);
        assertTrue(u.reason().contains("applied"), u.reason());
    }

    @Test
    void monotonicReadsAcrossReplicasWithASessionHighWaterMark() {
        CellWorld w = new CellWorld(5103, 5);
        Scenario.Probe p = warmedUp(w);
        Scenario.Probe p5 = new Scenario.Probe(w, "client-probe-5");
        w.partition("cut", "n5", "client-probe-5");
        for (int i = 1; i <= 5; i++) {
            p.submitUntilApplied("n1", new Command.ClientTxn("p", i, putTxn("k", i)));
        }
        Reply.ReadResult fresh = p.readLinearizable("n1", getTxn("k"));
        long mark = fresh.appliedUpTo();
        // n5 missed the writes: with the session's mark it must refuse, not go back in time.
        Reply r = p5.await(p5.read("n5", getTxn("k"), ClientRequest.ReadMode.EVENTUAL, mark));
        assertInstanceOf(Reply.Unavailable.class, r, "n5 is behind the session: " + r);
        // Without a mark it serves its own older prefix.
        Reply.ReadResult old = assertInstanceOf(Reply.ReadResult.class,
                p5.await(p5.read("n5", getTxn("k"), ClientRequest.ReadMode.EVENTUAL, 0)));
        assertTrue(old.appliedUpTo() < mark);
        assertNull(readValue(old), "n5's prefix predates the writes");
        // Other replicas that caught up serve it with a value at least as new.
        for (String n : List.of("n2", "n3", "n4")) {
            Reply rn = p.await(p.read(n, getTxn("k"), ClientRequest.ReadMode.EVENTUAL, mark));
            if (rn instanceof Reply.ReadResult rr) {
                assertTrue(rr.appliedUpTo() >= mark);
                assertEquals(big(5), readValue(rr));
            } else {
                assertInstanceOf(Reply.Unavailable.class, rn);
            }
        }
    }

    @Test
    void eventualReadsNeverGoBackwardOnOneReplica() {
        CellWorld w = new CellWorld(5104, 3);
        Scenario.Probe p = warmedUp(w);
        long lastApplied = 0;
        long lastValue = -1;
        for (int i = 1; i <= 10; i++) {
            p.submit("n1", new Command.ClientTxn("p", i, putTxn("k", i)));
            w.runFor(7);
            Reply.ReadResult rr = assertInstanceOf(Reply.ReadResult.class,
                    p.await(p.read("n3", getTxn("k"), ClientRequest.ReadMode.EVENTUAL, lastApplied)));
            assertTrue(rr.appliedUpTo() >= lastApplied);
            long v = readValue(rr) == null ? -1 : readValue(rr).longValue();
            assertTrue(v >= lastValue, "value went back from " + lastValue + " to " + v);
            lastApplied = rr.appliedUpTo();
            lastValue = v;
        }
    }

    // ---- exactly once ----

    @Test
    void aRetriedCommandAppliesOnce() {
        CellWorld w = new CellWorld(5201, 3);
        Scenario.Probe p = warmedUp(w);
        Command inc = new Command.ClientTxn("retry", 1, incrTxn("ctr", 5));
        Reply.Applied first = assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", inc)));
        Reply.Applied second = assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", inc)));
        assertEquals(first.result(), second.result(), "the retry gets the original result");
        assertEquals(big(5), readValue(p.readLinearizable("n1", getTxn("ctr"))));
    }

    @Test
    void concurrentDuplicatesOfOneCommandApplyOnce() {
        CellWorld w = new CellWorld(5202, 5);
        Scenario.Probe p = warmedUp(w);
        Command inc = new Command.ClientTxn("dup", 1, incrTxn("ctr", 1));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(p.submit("n1", inc));
        }
        for (long id : ids) {
            assertInstanceOf(Reply.Applied.class, p.await(id));
        }
        assertEquals(big(1), readValue(p.readLinearizable("n1", getTxn("ctr"))));
    }

    @Test
    void aRetryAfterLeaderChangeAppliesOnce() {
        CellWorld w = new CellWorld(5203, 3);
        Scenario.Probe p = warmedUp(w);
        Command inc = new Command.ClientTxn("retry", 1, incrTxn("ctr", 1));
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", inc)));
        w.crash("n1");
        w.runFor(300);
        p.submitUntilApplied("n2", inc);
        assertEquals(big(1), readValue(p.readLinearizable("n2", getTxn("ctr"))));
    }

    @Test
    void anOlderSeqIsStale() {
        CellWorld w = new CellWorld(5204, 3);
        Scenario.Probe p = warmedUp(w);
        assertInstanceOf(Reply.Applied.class,
                p.await(p.submit("n1", new Command.ClientTxn("s", 1, putTxn("k", 1)))));
        assertInstanceOf(Reply.Applied.class,
                p.await(p.submit("n1", new Command.ClientTxn("s", 2, putTxn("k", 2)))));
        Reply.Applied stale = assertInstanceOf(Reply.Applied.class,
                p.await(p.submit("n1", new Command.ClientTxn("s", 1, putTxn("k", 99)))));
        CommandResult.Stale s = assertInstanceOf(CommandResult.Stale.class, stale.result());
        assertEquals(2, s.latestSeq());
        assertEquals(big(2), readValue(p.readLinearizable("n1", getTxn("k"))));
    }

    // ---- rejected input ----

    private static void assertRejected(CellWorld w, Scenario.Probe p, ClientRequest req, String mentions) {
        long before = revisionEverywhere(w);
        w.node("n2").request(Scenario.CELL, p.name, req);
        Reply r = p.await(req.requestId());
        Reply.Rejected rej = assertInstanceOf(Reply.Rejected.class, r, "expected a rejection: " + r);
        assertTrue(rej.reason().toLowerCase().contains(mentions), "reason names the problem: " + rej.reason());
        w.runFor(500);
        assertEquals(before, revisionEverywhere(w), "the cell is unchanged");
    }

    @Test
    void missingTransactionIsRejected() {
        CellWorld w = new CellWorld(5301, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Submit(1, new Command.ClientTxn("bad", 1, null)), "transaction");
    }

    @Test
    void emptyTransactionIsRejected() {
        CellWorld w = new CellWorld(5302, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Submit(2,
                new Command.ClientTxn("bad", 1, new Transaction(List.of(), List.of()))), "no ops");
    }

    @Test
    void twoWritesToOneKeyAreRejected() {
        CellWorld w = new CellWorld(5303, 3);
        Scenario.Probe p = warmedUp(w);
        Transaction t = new Transaction(List.of(),
                List.of(new Op.Put("k", Value.ofInt(1)), new Op.Put("k", Value.ofInt(2))));
        assertRejected(w, p, new ClientRequest.Submit(3, new Command.ClientTxn("bad", 1, t)), "already written");
    }

    @Test
    void oversizedKeyIsRejected() {
        CellWorld w = new CellWorld(5304, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Submit(4,
                new Command.ClientTxn("bad", 1, putTxn("x".repeat(5_000), 1))), "key");
    }

    @Test
    void zeroSeqWithAClientIdIsRejected() {
        CellWorld w = new CellWorld(5305, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Submit(5, new Command.ClientTxn("bad", 0, putTxn("k", 1))), "seq");
    }

    @Test
    void readContainingAWriteIsRejected() {
        CellWorld w = new CellWorld(5306, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Read(6, putTxn("k", 1), ClientRequest.ReadMode.LINEARIZABLE, 0),
                "write");
    }

    @Test
    void readWithoutAModeIsRejected() {
        CellWorld w = new CellWorld(5307, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Read(7, getTxn("k"), null, 0), "mode");
    }

    @Test
    void leaseWithABadDurationIsRejected() {
        CellWorld w = new CellWorld(5308, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Submit(8,
                new Command.LeaseAcquire("bad", 1, "L", "me", 0, 0)), "duration");
    }

    @Test
    void clientSuppliedTakeoverVersionIsRejected() {
        CellWorld w = new CellWorld(5309, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Submit(9,
                new Command.LeaseAcquire("bad", 1, "L", "me", 1000, 7)), "takeoverversion");
    }

    @Test
    void tooManyOpsAreRejected() {
        CellWorld w = new CellWorld(5310, 3);
        Scenario.Probe p = warmedUp(w);
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ops.add(new Op.Get("k" + i));
        }
        assertRejected(w, p, new ClientRequest.Submit(10,
                new Command.ClientTxn("bad", 1, new Transaction(List.of(), ops))), "ops");
    }

    @Test
    void aRejectionDoesNotDisturbTheNextValidCommand() {
        CellWorld w = new CellWorld(5311, 3);
        Scenario.Probe p = warmedUp(w);
        assertRejected(w, p, new ClientRequest.Submit(11, new Command.ClientTxn("bad", 1, null)), "transaction");
        p.submitUntilApplied("n2", new Command.ClientTxn("bad", 1, putTxn("k", 4)));
        assertEquals(big(4), readValue(p.readLinearizable("n2", getTxn("k"))));
    }
}
