package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.assertConverged;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.big;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.get;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.ok;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.quiesce;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.run;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Batch;
import io.physalia.core.kv.TxnStatus;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.SimNode;
import io.physalia.simworld.cell.Workload;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Replication on a healthy network: writes reach every replica, in the same order. */
class BasicReplicationScenariosTest {

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5, 7})
    void putThenGetReturnsTheValueOnEveryClusterSize(int nodes) {
        CellWorld w = new CellWorld(100 + nodes, nodes);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 42));
        assertEquals(big(42), get(w, c, "k"));
        w.checkLinearizable();
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5, 7})
    void everyReplicaHoldsTheWritesAfterQuiescence(int nodes) {
        CellWorld w = new CellWorld(200 + nodes, nodes);
        SimClient c = w.addClient();
        for (int i = 1; i <= 10; i++) {
            ok(w, c, new ClientOp.Put("k" + (i % 3), i));
        }
        quiesce(w);
        assertConverged(w);
        for (SimNode n : w.nodes().values()) {
            assertEquals(big(10), ((io.physalia.core.kv.Value.Int) stored(w, n.name(), "k1").value()).value(),
                    n.name());
            assertEquals(big(9), ((io.physalia.core.kv.Value.Int) stored(w, n.name(), "k0").value()).value(),
                    n.name());
        }
        w.checkLinearizable();
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5, 7})
    void incrementsFromSeveralClientsAddUp(int nodes) {
        CellWorld w = new CellWorld(300 + nodes, nodes);
        SimClient a = w.addClient();
        SimClient b = w.addClient();
        SimClient c = w.addClient();
        for (int round = 0; round < 5; round++) {
            w.perform(a, new ClientOp.Incr("ctr", 1), o -> { });
            w.perform(b, new ClientOp.Incr("ctr", 10), o -> { });
            w.perform(c, new ClientOp.Incr("ctr", 100), o -> { });
            assertTrue(w.runUntilClientsIdle(20_000));
        }
        assertEquals(big(555), get(w, a, "ctr"));
        quiesce(w);
        assertConverged(w);
        w.checkLinearizable();
    }

    @Test
    void casByVersionSucceedsOnceAndFailsOnAStaleVersion() {
        CellWorld w = new CellWorld(401, 3);
        SimClient c = w.addClient();
        OpOutput created = ok(w, c, new ClientOp.CasVersion("x", 0, 1));
        OpOutput again = run(w, c, new ClientOp.CasVersion("x", 0, 2));
        assertEquals(TxnStatus.CONDITION_FAILED, again.status(), "key already exists");
        OpOutput second = ok(w, c, new ClientOp.CasVersion("x", created.version(), 3));
        assertTrue(second.version() > created.version(), "versions grow");
        OpOutput stale = run(w, c, new ClientOp.CasVersion("x", created.version(), 4));
        assertEquals(TxnStatus.CONDITION_FAILED, stale.status(), "stale version must fail");
        assertEquals(big(3), get(w, c, "x"));
        w.checkLinearizable();
    }

    @Test
    void racingCasWritersOnlyOneWinsEachVersion() {
        CellWorld w = new CellWorld(402, 5);
        SimClient a = w.addClient();
        SimClient b = w.addClient();
        long version = ok(w, a, new ClientOp.Put("x", 0)).version();
        int[] wins = new int[1];
        w.perform(a, new ClientOp.CasVersion("x", version, 11), o -> wins[0] += o != null && o.status() == TxnStatus.OK ? 1 : 0);
        w.perform(b, new ClientOp.CasVersion("x", version, 22), o -> wins[0] += o != null && o.status() == TxnStatus.OK ? 1 : 0);
        assertTrue(w.runUntilClientsIdle(20_000));
        assertEquals(1, wins[0], "exactly one CAS on version " + version + " wins");
        w.checkLinearizable();
    }

    @Test
    void readOfAnAbsentKeyReturnsNothing() {
        CellWorld w = new CellWorld(403, 3);
        SimClient c = w.addClient();
        OpOutput o = ok(w, c, new ClientOp.Get("nope"));
        assertNull(o.value());
        w.checkLinearizable();
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5, 7})
    void allReplicasApplyTheSameBatchAtEverySlot(int nodes) {
        CellWorld w = new CellWorld(500 + nodes, nodes);
        Workload load = new Workload(w);
        for (int i = 0; i < 3; i++) {
            load.startKvClient(w.addClient());
        }
        w.runFor(2_000);
        load.stop();
        quiesce(w);
        assertConverged(w);
        long applied = w.node("n1").replica(Scenario.CELL).appliedUpTo();
        assertTrue(applied > 10, "some slots were used: " + applied);
        for (long s = 0; s < applied; s++) {
            Batch chosen = w.chosen(s);
            for (SimNode n : w.nodes().values()) {
                Batch local = n.replica(Scenario.CELL).chosenAt(s);
                if (local != null && chosen != null) {
                    assertEquals(chosen, local, n.name() + " slot " + s);
                }
            }
        }
        assertTrue(load.completed() > 20, "workload made progress: " + load.completed());
        w.checkLinearizable();
    }

    @Test
    void sequentialWritesFromOneClientKeepTheirOrder() {
        CellWorld w = new CellWorld(404, 3);
        SimClient c = w.addClient();
        long last = 0;
        for (int i = 1; i <= 20; i++) {
            OpOutput o = ok(w, c, new ClientOp.Put("seq", i));
            assertTrue(o.version() > last, "version grows");
            last = o.version();
        }
        assertEquals(big(20), get(w, c, "seq"));
        w.checkLinearizable();
    }

    @Test
    void laggingReplicaCatchesUpAfterRejoining() {
        CellWorld w = new CellWorld(405, 3);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        w.partition("cut", "n3");
        for (int i = 2; i <= 15; i++) {
            ok(w, c, new ClientOp.Put("k", i));
        }
        w.healAll();
        ok(w, c, new ClientOp.Put("k", 16));
        quiesce(w);
        assertConverged(w);
        assertNotNull(stored(w, "n3", "k"));
        assertEquals(big(16), ((io.physalia.core.kv.Value.Int) stored(w, "n3", "k").value()).value());
        w.checkLinearizable();
    }
}
