package io.physalia.simworld.cell.scenarios.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.net.Fault;
import io.physalia.simworld.net.MessageMatcher;
import org.junit.jupiter.api.Test;

class TeachingScenarioTest {

    static MessageMatcher<Packet> cellMessage(Class<? extends Message> type) {
        return MessageMatcher.where(p -> p instanceof Packet.Cell c && type.isInstance(c.envelope().message()));
    }

    static MessageMatcher<Packet> acceptFor(long slot) {
        return MessageMatcher.where(p -> p instanceof Packet.Cell c && c.envelope().message() instanceof Message.Accept a
                && a.slot() == slot);
    }

    static boolean caughtUp(Sim s, String node) {
        return s.replica(node).appliedUpTo() >= s.replica("n1").appliedUpTo()
                && s.replica(node).appliedUpTo() >= s.replica("n2").appliedUpTo();
    }

    @Test
    void partitionedFollowerCatchesUpAfter120Slots() {
        Sim s = new Sim(301, 3);
        SimClient c = s.client();
        s.put(c, "a", 1);
        s.w.partition("p", "n3");
        s.putMany(c, "a", 120);
        long lag = s.replica("n3").appliedUpTo();
        assertTrue(s.maxApplied() - lag >= 120);
        s.w.heal("p");
        s.put(c, "a", 2);
        assertTrue(s.w.runUntil(() -> caughtUp(s, "n3"), 5_000), "n3 caught up");
        assertTrue(s.delivered(Message.TeachLog.class, null, "n3") + s.delivered(Message.TeachSnapshot.class, null, "n3") > 0);
        assertEquals(s.replica("n1").state().data().get("a"), s.replica("n3").state().data().get("a"));
        s.w.checkLinearizable();
    }

    @Test
    void compactedLogTeachesBySnapshot() {
        Sim s = new Sim(302, 3, ReplicaConfig.DEFAULT.withLog(16, 8, 64));
        SimClient c = s.client();
        s.put(c, "a", 1);
        s.w.partition("p", "n3");
        s.putMany(c, "a", 110);
        s.w.heal("p");
        s.put(c, "a", 2);
        assertTrue(s.w.runUntil(() -> caughtUp(s, "n3"), 5_000));
        assertTrue(s.delivered(Message.TeachSnapshot.class, null, "n3") > 0, "the log was compacted: snapshot");
        assertEquals(s.replica("n1").state().data().get("a"), s.replica("n3").state().data().get("a"));
    }

    @Test
    void smallGapOverLargeStateTeachesByLogSegment() {
        Sim s = new Sim(303, 3);
        SimClient c = s.client();
        for (int i = 0; i < 60; i++) {
            assertNotNull(s.put(c, "key-" + i, i));
        }
        assertTrue(s.w.runUntil(() -> caughtUp(s, "n3"), 2_000));
        s.w.partition("p", "n3");
        s.putMany(c, "a", 4);
        s.w.heal("p");
        s.put(c, "a", 2);
        assertTrue(s.w.runUntil(() -> caughtUp(s, "n3"), 5_000));
        assertTrue(s.delivered(Message.TeachLog.class, null, "n3") > 0, "a short segment is cheaper than the snapshot");
        assertEquals(0, s.delivered(Message.TeachSnapshot.class, null, "n3"));
    }

    @Test
    void newMemberIsTaughtBySnapshot() {
        Sim s = new Sim(304, 3, ReplicaConfig.DEFAULT.withAlpha(2).withLog(8, 4, 64));
        SimClient c = s.client();
        for (int i = 0; i < 30; i++) {
            s.put(c, "k" + (i % 5), i);
        }
        s.addAndHost(c, "n4");
        s.putMany(c, "a", 4);
        assertTrue(s.w.runUntil(() -> caughtUp(s, "n4"), 5_000));
        assertTrue(s.delivered(Message.TeachSnapshot.class, null, "n4") > 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(s.replica("n1").state().data().get("k" + i), s.replica("n4").state().data().get("k" + i));
        }
    }

    @Test
    void newMemberCanReplaceACrashedOneAfterTeaching() {
        Sim s = new Sim(305, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.putMany(c, "a", 20);
        s.addAndHost(c, "n4");
        s.putMany(c, "a", 4);
        assertTrue(s.w.runUntil(() -> caughtUp(s, "n4"), 5_000));
        s.w.crash("n2");
        SimClient c2 = s.client();
        OpOutput o = s.put(c2, "b", 5); // needs 3 of {n1,n2,n3,n4}: n4 must vote
        assertNotNull(o);
        assertEquals(TxnStatus.OK, o.status());
        s.w.checkLinearizable();
    }

    @Test
    void followerWithAHoleFillsItByTeaching() {
        Sim s = new Sim(306, 3);
        SimClient c = s.client();
        s.putMany(c, "a", 5);
        String leader = s.leader();
        String victim = leader.equals("n3") ? "n2" : "n3";
        long hole = s.replica(leader).appliedUpTo();
        s.w.network().addRule("hole", acceptFor(hole).and(MessageMatcher.to(victim)), Fault.dropAll());
        s.put(c, "a", 77);
        s.w.network().removeRule("hole");
        s.putMany(c, "a", 3);
        assertTrue(s.w.runUntil(() -> s.replica(victim).chosenAt(hole) != null || s.replica(victim).appliedUpTo() > hole, 5_000));
        assertTrue(s.w.runUntil(() -> caughtUp(s, victim), 5_000));
        assertTrue(s.delivered(Message.TeachLog.class, null, victim) + s.delivered(Message.TeachSnapshot.class, null, victim) > 0);
    }

    /**
     * The learners that accepted slot X never learned it chosen and the leader that did is dead,
     * so no teacher can fill the victim's hole: its own phase 1 must recover the accepted value.
     */
    @Test
    void holeNobodyCanTeachIsFilledByWhackAMoleWithTheAcceptedValue() {
        whackAMole(new Sim(307, 3), 10_000); // the dead leader's lease holds the acceptors for 3x its length
    }

    @Test
    void whackAMoleWithoutLeaderLeaseIsQuick() {
        whackAMole(new Sim(311, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(0)), 2_000);
    }

    private static void whackAMole(Sim s, long within) {
        SimClient c = s.client();
        s.putMany(c, "a", 5);
        String leader = s.leader();
        String victim = leader.equals("n3") ? "n2" : "n3";
        String acceptor = java.util.stream.Stream.of("n1", "n2", "n3")
                .filter(n -> !n.equals(leader) && !n.equals(victim)).findFirst().orElseThrow();
        String acc = acceptor;
        long x = s.replica(leader).appliedUpTo();
        s.w.network().addRule("no-x-to-victim", acceptFor(x).and(MessageMatcher.to(victim)), Fault.dropAll());
        s.w.network().addRule("no-commits", cellMessage(Message.Commit.class), Fault.dropAll());
        s.w.network().addRule("no-x1-to-acceptor", acceptFor(x + 1).and(MessageMatcher.to(acc)), Fault.dropAll());
        OpOutput first = s.put(c, "a", 555); // chosen at x by leader + acceptor; only the leader learns it
        assertEquals(TxnStatus.OK, first.status());
        assertEquals(x, s.replica(acc).appliedUpTo(), "the acceptor did not learn x");
        // the leader proposes x+1, telling the victim that x is chosen; then it dies
        s.w.node(leader).request(CellWorld.CELL, c.name(), new io.physalia.core.paxos.ClientRequest.Submit(99,
                new Command.ClientTxn("direct", 1, new io.physalia.simworld.cell.ClientOp.Put("z", 1).toTransaction())));
        assertTrue(s.w.runUntil(() -> s.delivered(Message.Accept.class, leader, victim) > 0
                && s.events.stream().anyMatch(e -> e.kind() == io.physalia.simworld.net.NetworkEvent.Kind.DELIVERED
                        && e.delivery().to().equals(victim) && e.delivery().message() instanceof Packet.Cell pc
                        && pc.envelope().message() instanceof Message.Accept a && a.slot() == x + 1), 1_000));
        s.w.crash(leader);
        s.w.network().clearRules();
        Batch original = s.w.chosen(x);
        assertNotNull(original);
        assertTrue(s.w.runUntil(() -> s.replica(victim).appliedUpTo() > x, within), "whack-a-mole filled the hole");
        assertTrue(s.count(e -> e.kind() == io.physalia.simworld.net.NetworkEvent.Kind.SENT
                && e.delivery().from().equals(victim) && e.delivery().message() instanceof Packet.Cell pc
                && pc.envelope().message() instanceof Message.Prepare) > 0, "the learner ran phase 1 itself");
        assertEquals(original, s.replica(victim).chosenAt(x) == null ? s.w.chosen(x) : s.replica(victim).chosenAt(x));
        assertTrue(s.w.runUntil(() -> s.replica(acc).appliedUpTo() > x, 3_000));
        assertEquals(Value555.V, s.replica(acc).state().data().get("a").value());
        s.w.checkLinearizable();
    }

    private static final class Value555 {
        static final io.physalia.core.kv.Value V = io.physalia.core.kv.Value.ofInt(555);
    }

    /** Acceptors forget values below their chosen prefix: phase 1 cannot fill a known-chosen hole, teaching must. */
    @Test
    void knownChosenHoleWaitsForATeacherAndIsNeverGuessed() {
        Sim s = new Sim(312, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(0));
        SimClient c = s.client();
        s.putMany(c, "a", 5);
        String leader = s.leader();
        String victim = leader.equals("n3") ? "n2" : "n3";
        long hole = s.replica(leader).appliedUpTo();
        s.w.network().addRule("hole", acceptFor(hole).and(MessageMatcher.to(victim)), Fault.dropAll());
        s.w.network().addRule("no-teachers", cellMessage(Message.TeachLog.class).or(cellMessage(Message.TeachSnapshot.class))
                .and(MessageMatcher.to(victim)), Fault.dropAll());
        s.put(c, "a", 77);
        s.putMany(c, "b", 2);
        s.w.runFor(3_000);
        assertEquals(hole, s.replica(victim).appliedUpTo(), "no teacher: still behind");
        s.w.network().clearRules();
        s.putMany(c, "b", 1);
        assertTrue(s.w.runUntil(() -> caughtUp(s, victim), 5_000));
        assertEquals(s.w.chosen(hole), s.replica(victim).chosenAt(hole) == null ? s.w.chosen(hole)
                : s.replica(victim).chosenAt(hole));
        assertEquals(s.replica(leader).state().data().get("a"), s.replica(victim).state().data().get("a"));
    }

    @Test
    void valueAcceptedByAQuorumBeforeLeaderCrashIsRecoveredNeverReplaced() {
        Sim s = new Sim(308, 3);
        SimClient c = s.client();
        s.putMany(c, "a", 3);
        String leader = s.leader();
        String[] others = leader.equals("n1") ? new String[] {"n2", "n3"}
                : leader.equals("n2") ? new String[] {"n1", "n3"} : new String[] {"n1", "n2"};
        long slot = s.replica(leader).appliedUpTo();
        // the acceptors accept, but the leader never hears it and nobody learns the slot is chosen
        s.w.network().addRule("no-accepted", cellMessage(Message.Accepted.class).and(MessageMatcher.to(leader)), Fault.dropAll());
        s.w.network().addRule("no-teach", cellMessage(Message.TeachRequest.class), Fault.dropAll());
        io.physalia.simworld.cell.OpOutput[] out = new io.physalia.simworld.cell.OpOutput[1];
        boolean[] done = new boolean[1];
        s.w.perform(c, new io.physalia.simworld.cell.ClientOp.Put("a", 555), o -> {
            out[0] = o;
            done[0] = true;
        });
        assertTrue(s.w.runUntil(() -> s.w.node(others[0]).replica(CellWorld.CELL).promised() != null
                && acceptedBy(s, others[0], slot) && acceptedBy(s, others[1], slot), 2_000));
        s.w.crash(leader);
        s.w.network().removeRule("no-accepted");
        assertTrue(s.w.runUntil(() -> done[0], 20_000));
        assertTrue(s.w.runUntil(() -> s.w.chosen(slot) != null, 10_000));
        Batch chosen = s.w.chosen(slot);
        assertTrue(chosen.commands().stream().anyMatch(x -> x instanceof Command.ClientTxn t
                && t.txn().toString().contains("555")), "the accepted value was recovered: " + chosen);
        s.w.checkLinearizable();
    }

    static boolean acceptedBy(Sim s, String node, long slot) {
        return s.events.stream().anyMatch(e -> e.kind() == io.physalia.simworld.net.NetworkEvent.Kind.SENT
                && e.delivery().from().equals(node) && e.delivery().message() instanceof Packet.Cell pc
                && pc.envelope().message() instanceof Message.Accepted a && a.slot() == slot);
    }

    @Test
    void followerThatMissedCommitsLearnsFromLaterMessages() {
        Sim s = new Sim(309, 3);
        SimClient c = s.client();
        s.putMany(c, "a", 2);
        s.w.network().addRule("no-commit", cellMessage(Message.Commit.class), Fault.dropAll());
        s.putMany(c, "a", 10);
        s.w.network().removeRule("no-commit");
        s.putMany(c, "a", 2);
        assertTrue(s.w.runUntil(() -> caughtUp(s, "n2") && caughtUp(s, "n3"), 5_000));
    }

    @Test
    void restartedFollowerWithLostTailCatchesUp() {
        Sim s = new Sim(310, 3, ReplicaConfig.DEFAULT.withLog(10, 5, 32));
        SimClient c = s.client();
        s.putMany(c, "a", 5);
        String leader = s.leader();
        String victim = leader.equals("n3") ? "n2" : "n3";
        s.w.crash(victim);
        s.putMany(c, "a", 40);
        s.w.restart(victim);
        s.putMany(c, "a", 2);
        assertTrue(s.w.runUntil(() -> caughtUp(s, victim), 8_000));
        s.w.checkLinearizable();
    }
}
