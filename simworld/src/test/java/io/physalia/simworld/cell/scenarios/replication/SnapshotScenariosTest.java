package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.big;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.get;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.getTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.healAndSettle;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.incrTxn;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.ok;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.readValue;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.SimNode;
import io.physalia.simworld.cell.Workload;
import org.junit.jupiter.api.Test;

/** Short logs: laggards catch up from snapshots, restarts recover from them, sessions survive them. */
class SnapshotScenariosTest {
    private static final ReplicaConfig SHORT_LOG = ReplicaConfig.DEFAULT.withLog(4, 4, 4);

    @Test
    void laggardBeyondTheRetainedLogCatchesUpFromASnapshot() {
        CellWorld w = new CellWorld(7001, 3, SHORT_LOG);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 0));
        w.partition("cut", "n3");
        for (int i = 1; i <= 30; i++) {
            ok(w, c, new ClientOp.Incr("k", 1));
        }
        healAndSettle(w, c);
        assertEquals(big(30), ((Value.Int) stored(w, "n3", "k").value()).value());
        w.checkLinearizable();
    }

    @Test
    void restartRecoversFromSnapshotRecords() {
        CellWorld w = new CellWorld(7002, 3, SHORT_LOG);
        SimClient c = w.addClient();
        for (int i = 1; i <= 25; i++) {
            ok(w, c, new ClientOp.Incr("k", 1));
        }
        w.runFor(500);
        for (String n : w.nodes().keySet()) {
            w.crash(n);
        }
        for (String n : w.nodes().keySet()) {
            w.restart(n);
        }
        assertEquals(big(25), get(w, c, "k"));
        ok(w, c, new ClientOp.Incr("k", 1));
        assertEquals(big(26), get(w, c, "k"));
        healAndSettle(w, c);
        w.checkLinearizable();
    }

    @Test
    void sessionSurvivesASnapshotSoARetryStillAppliesOnce() {
        CellWorld w = new CellWorld(7003, 3, SHORT_LOG);
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        Command inc = new Command.ClientTxn("s", 1, incrTxn("ctr", 1));
        Reply.Applied first = assertInstanceOf(Reply.Applied.class, p.await(p.submit("n1", inc)));
        w.partition("cut", "n3");
        for (int i = 1; i <= 20; i++) {
            p.submitUntilApplied("n1", new Command.ClientTxn("other", i, incrTxn("x", 1)));
        }
        w.healAll();
        p.submitUntilApplied("n1", new Command.ClientTxn("other", 21, incrTxn("x", 1)));
        w.runFor(1_000);
        // n3 learned the rest from a snapshot; the old leaders reboot, and the old command is retried at n3.
        w.crash("n1");
        w.crash("n2");
        w.restart("n1");
        w.restart("n2");
        w.runFor(300);
        Reply.Applied retry = p.submitUntilApplied("n3", inc);
        assertEquals(first.result(), retry.result(), "the retry gets the original result");
        assertEquals(big(1), readValue(p.readLinearizable("n3", getTxn("ctr"))));
    }

    @Test
    void workloadWithFrequentSnapshotsAndCrashesStaysLinearizable() {
        CellWorld w = new CellWorld(7004, 5, SHORT_LOG);
        for (SimNode n : w.nodes().values()) {
            n.disk().setSyncLatency(1, 20);
        }
        Workload load = new Workload(w);
        for (int i = 0; i < 3; i++) {
            load.startKvClient(w.addClient());
        }
        String[] victims = {"n2", "n5", "n1", "n3"};
        for (String v : victims) {
            w.runFor(600);
            w.crash(v);
            w.partition("cut", v.equals("n4") ? "n2" : "n4");
            w.runFor(600);
            w.restart(v);
            w.heal("cut");
        }
        load.stop();
        assertTrue(w.runUntilClientsIdle(30_000));
        healAndSettle(w, w.addClient());
        assertTrue(load.completed() > 10);
        w.checkLinearizable();
    }

    @Test
    void eventualReadAtALaggardAfterSnapshotCatchUpIsNotBehindTheSession() {
        CellWorld w = new CellWorld(7005, 3, SHORT_LOG);
        Scenario.Probe p = new Scenario.Probe(w, "client-probe");
        p.submitUntilApplied("n1", new Command.ClientTxn("p", 1, incrTxn("k", 1)));
        w.partition("cut", "n3");
        for (int i = 2; i <= 20; i++) {
            p.submitUntilApplied("n1", new Command.ClientTxn("p", i, incrTxn("k", 1)));
        }
        long mark = p.readLinearizable("n1", getTxn("k")).appliedUpTo();
        w.healAll();
        p.submitUntilApplied("n1", new Command.ClientTxn("p", 21, incrTxn("k", 1)));
        w.runFor(1_000);
        Reply.ReadResult rr = assertInstanceOf(Reply.ReadResult.class,
                p.await(p.read("n3", getTxn("k"), ClientRequest.ReadMode.EVENTUAL, mark)));
        assertTrue(rr.appliedUpTo() >= mark);
        assertTrue(readValue(rr).longValue() >= 20);
    }
}
