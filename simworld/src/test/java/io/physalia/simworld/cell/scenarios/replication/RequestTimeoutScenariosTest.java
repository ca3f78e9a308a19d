package io.physalia.simworld.cell.scenarios.replication;

import static io.physalia.simworld.cell.scenarios.replication.Scenario.leaders;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.ok;
import static io.physalia.simworld.cell.scenarios.replication.Scenario.putTxn;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.net.Fault;
import org.junit.jupiter.api.Test;

/**
 * "A request gets an answer within requestTimeoutMillis, whatever happens" holds for a command
 * whose slot is chosen while an earlier slot stays open at the leader: its waiter is kept until
 * the slot is applied, which may never happen while the hole lasts, so the timeout must reach it
 * there too.
 */
class RequestTimeoutScenariosTest {

    @Test
    void aCommandChosenBehindAHoleIsStillAnsweredInTime() {
        CellWorld w = new CellWorld(2401, 3);
        SimClient c = w.addClient();
        ok(w, c, new ClientOp.Put("k", 1));
        String leader = leaders(w).get(0);
        long hole = w.node(leader).replica(CellWorld.CELL).appliedUpTo();
        // every Accepted for the next slot is lost: it never gets a quorum; the slot after it does
        w.network().addRule("hole", (from, to, p) -> p instanceof Packet.Cell cell
                && cell.envelope().message() instanceof Message.Accepted a && a.slot() == hole, new Fault.Drop(1.0));
        Scenario.Probe probe = new Scenario.Probe(w, "client-probe");
        long first = probe.submit(leader, new Command.ClientTxn("p1", 1, putTxn("a", 1)));
        long second = probe.submit(leader, new Command.ClientTxn("p2", 1, putTxn("b", 2)));
        long timeout = w.config().requestTimeoutMillis();
        w.runFor(timeout + 1_000);
        assertInstanceOf(Reply.OutcomeUnknown.class, probe.reply(first), "the command in the hole: outcome unknown");
        assertTrue(probe.reply(second) != null, w.failurePrefix() + "the command chosen behind the hole got no answer in "
                + (timeout + 1_000) + " ms (requestTimeoutMillis " + timeout + ")");
        assertInstanceOf(Reply.OutcomeUnknown.class, probe.reply(second),
                "chosen but not applied here: it will apply; the client retries with the same seq for its result");
    }
}
