package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.assertConverged;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.big;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.get;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.getTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.leaders;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.ok;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.putTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.quiesce;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.readValue;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.Workload;
import io.physalia.simworld.net.Fault;
import io.physalia.simworld.net.MessageMatcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leader crashes and network partitions: ops apply exactly once or are reported unknown. */
class CrashAndPartitionScenariosTest {

    private static MessageMatcher<Packet> accepts(String from, String to) {
        return MessageMatcher.<Packet>link(from, to)
                .and(MessageMatcher.where(p -> p instanceof Packet.Cell c && c.envelope().message() instanceof Message.Accept));
    }

    private static MessageMatcher<Packet> accepteds(String from, String to) {
        return MessageMatcher.<Packet>link(from, to)
                .and(MessageMatcher.where(p -> p instanceof Packet.Cell c && c.envelope().message() instanceof Message.Accepted));
    }

    @Test
    void leaderCrashBeforeAnyAcceptLosesNothingAcknowledged() {
        CellWorld w = new CellWorld(2001, 3);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        String leader = leaders(w).get(0);
        w.crash(leader);
        ok(w, c, new ClientOp.Put("k", 2));
        assertEquals(big(2), get(w, c, "k"));
        w.checkLinearizable();
    }

    @Test
    void leaderCrashWithAcceptsDroppedReportsUnknownOrAppliesOnce() {
        CellWorld w = new CellWorld(2002, 3);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("warm", 1));
        String leader = leaders(w).get(0);
        for (String n : List.of("n1", "n2", "n3")) {
            if (!n.equals(leader)) {
                w.network().addRule("no-accept-" + n, accepts(leader, n), Fault.dropAll());
            }
        }
        OpOutput[] seen = new OpOutput[1];
        boolean[] done = new boolean[1];
        w.perform(c, new ClientOp.Incr("ctr", 5), o -> {
            seen[0] = o;
            done[0] = true;
        });
        w.runFor(100);
        w.crash(leader);
        w.network().clearRules();
        assertTrue(w.runUntil(() -> done[0], 20_000));
        SimClient d = w.addClient();
        var ctr = get(w, d, "ctr");
        assertTrue(ctr == null || ctr.equals(big(5)), "applied at most once: " + ctr);
        if (seen[0] != null) {
            assertEquals(big(5), ctr, "an acknowledged increment is there");
        }
        w.checkLinearizable();
    }

    @Test
    void newLeaderRecoversAValueAcceptedByOnlyOneFollower() {
        CellWorld w = new CellWorld(2003, 3);
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", new Command.ClientTxn("p", 1, putTxn("warm", 1)))));
        // n1 gets its Accept to n2 only, and never hears back: the value is accepted, not known chosen.
        w.network().addRule("no-accept-n3", accepts("n1", "n3"), Fault.dropAll());
        w.network().addRule("no-accepted-n2", accepteds("n2", "n1"), Fault.dropAll());
        long id = p.submit("n1", new Command.ClientTxn("p", 2, putTxn("k", 77)));
        w.runFor(30);
        w.crash("n1");
        w.network().clearRules();
        assertTrue(p.reply(id) == null, "no answer from a crashed leader");
        Reply.ReadResult r = p.readLinearizable("n3", getTxn("k"));
        assertEquals(big(77), readValue(r), "the accepted value must survive the election");
        long revision = r.result().revision();
        // Retrying the same (clientId, seq) does not apply it twice.
        Reply.Applied again = p.submitUntilApplied(leaders(w).get(0), new Command.ClientTxn("p", 2, putTxn("k", 77)));
        assertEquals(revision, p.readLinearizable(leaders(w).get(0), getTxn("k")).result().revision(),
                "the retry wrote nothing: " + again);
        quiesce(w);
        assertConverged(w);
    }

    @Test
    void leaderCrashMidWorkloadStaysLinearizable() {
        CellWorld w = new CellWorld(2004, 5);
        Workload load = new Workload(w);
        for (int i = 0; i < 4; i++) {
            load.startKvClient(w.addClient());
        }
        w.runFor(500);
        String leader = Scenario.awaitLeader(w);
        w.crash(leader);
        w.runFor(2_000);
        w.restart(leader);
        w.runFor(1_000);
        load.stop();
        Scenario.healAndSettle(w, w.addClient());
        assertTrue(load.completed() > 10);
        w.checkLinearizable();
    }

    @Test
    void repeatedLeaderCrashesStayLinearizable() {
        CellWorld w = new CellWorld(2005, 5);
        Workload load = new Workload(w);
        for (int i = 0; i < 3; i++) {
            load.startKvClient(w.addClient());
        }
        for (int round = 0; round < 4; round++) {
            w.runFor(700);
            List<String> l = leaders(w);
            if (!l.isEmpty()) {
                String leader = l.get(0);
                w.crash(leader);
                w.runFor(700);
                w.restart(leader);
            }
        }
        load.stop();
        Scenario.healAndSettle(w, w.addClient());
        w.checkLinearizable();
    }

    @Test
    void acknowledgedIncrementsSurviveAFollowerAndALeaderCrash() {
        CellWorld w = new CellWorld(2006, 5);
        SimClient c = w.addClient();
        int acked = 0;
        for (int i = 0; i < 6; i++) {
            if (i == 2) {
                w.crash("n5");
            }
            if (i == 4) {
                w.crash(leaders(w).get(0));
            }
            if (Scenario.run(w, c, new ClientOp.Incr("ctr", 1)) != null) {
                acked++;
            }
        }
        assertEquals(6, acked);
        assertEquals(big(6), get(w, c, "ctr"));
        w.checkLinearizable();
    }

    @Test
    void minorityPartitionKeepsTheMajorityAvailable() {
        CellWorld w = new CellWorld(2101, 3);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        String leader = leaders(w).get(0);
        w.partition("cut", leader);
        for (int i = 2; i <= 6; i++) {
            ok(w, c, new ClientOp.Put("k", i));
        }
        assertEquals(big(6), get(w, c, "k"));
        Scenario.healAndSettle(w, c);
        w.checkLinearizable();
    }

    @Test
    void minorityLeaderCannotCommit() {
        CellWorld w = new CellWorld(2102, 5);
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", new Command.ClientTxn("p", 1, putTxn("a", 1)))));
        w.partition("cut", "n1", "n2", "client-probe");
        long id = p.submit("n1", new Command.ClientTxn("p", 2, putTxn("minority", 9)));
        Reply r = p.await(id);
        assertFalse(r instanceof Reply.Applied, "a 2-of-5 side must not commit: " + r);
        for (String n : List.of("n3", "n4", "n5")) {
            assertNull(stored(w, n, "minority"), n);
        }
        assertNull(stored(w, "n1", "minority"), "not applied on the minority either");
    }

    @Test
    void healingReconcilesAMinorityThatMissedWrites() {
        CellWorld w = new CellWorld(2103, 5);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 0));
        w.partition("cut", "n4", "n5");
        for (int i = 1; i <= 12; i++) {
            ok(w, c, new ClientOp.Incr("k", i));
        }
        Scenario.healAndSettle(w, c);
        assertEquals(big(78), ((io.physalia.core.kv.Value.Int) stored(w, "n5", "k").value()).value());
        w.checkLinearizable();
    }

    @Test
    void majorityPartitionWithTheLeaderContinues() {
        CellWorld w = new CellWorld(2104, 5);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        String leader = leaders(w).get(0);
        List<String> minority = new ArrayList<>();
        for (String n : List.of("n1", "n2", "n3", "n4", "n5")) {
            if (!n.equals(leader) && minority.size() < 2) {
                minority.add(n);
            }
        }
        w.partition("cut", minority.toArray(String[]::new));
        long t0 = w.now();
        ok(w, c, new ClientOp.Put("k", 2));
        ok(w, c, new ClientOp.Put("k", 3));
        assertTrue(leaders(w).contains(leader), "the leader kept its place");
        assertTrue(w.now() - t0 < 3_000, "no election needed");
        Scenario.healAndSettle(w, c);
        w.checkLinearizable();
    }

    @Test
    void flappingPartitionsUnderLoadStayLinearizable() {
        CellWorld w = new CellWorld(2105, 5);
        Workload load = new Workload(w);
        for (int i = 0; i < 3; i++) {
            load.startKvClient(w.addClient());
        }
        String[][] cuts = {{"n1", "n2"}, {"n3"}, {"n4", "n5"}, {"n2", "n4"}};
        for (String[] cut : cuts) {
            w.partition("cut", cut);
            w.runFor(600);
            w.heal("cut");
            w.runFor(300);
        }
        load.stop();
        Scenario.healAndSettle(w, w.addClient());
        assertTrue(load.completed() > 10);
        w.checkLinearizable();
    }

    @Test
    void symmetricSplitOfSevenNodesLeavesOneSideServing() {
        CellWorld w = new CellWorld(2106, 7);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        w.partition("cut", "n1", "n2", "n3");
        for (int i = 2; i <= 5; i++) {
            ok(w, c, new ClientOp.Put("k", i));
        }
        assertEquals(big(5), get(w, c, "k"));
        Scenario.healAndSettle(w, c);
        w.checkLinearizable();
    }
}
