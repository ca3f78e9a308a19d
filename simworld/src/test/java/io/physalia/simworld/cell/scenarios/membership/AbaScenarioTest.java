package io.physalia.simworld.cell.scenarios.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.Effects;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.net.NetworkEvent;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class AbaScenarioTest {

    /** A step's random source, drawn from the world's seed. */
    static RandomGenerator rng(Sim s) {
        io.physalia.simworld.SimRandom r = s.w.random().fork();
        return r::nextLong;
    }

    /** n1..n3, then n4 added, removed, added again. Returns {old, new} incarnations of n4. */
    static Member[] addRemoveReadd(Sim s, SimClient c, boolean hostNew) {
        s.put(c, "a", 1);
        Member first = s.addAndHost(c, "n4");
        s.putMany(c, "a", 3);
        assertTrue(s.remove(c, first).applied());
        s.putMany(c, "a", 3);
        var r = s.add(c, "n4");
        assertTrue(r.applied(), String.valueOf(r));
        Member second = new Member(first.node(), s.slotOf(s.last) + 1);
        assertTrue(r.pending().contains(second));
        assertFalse(r.pending().contains(first));
        if (hostNew) {
            s.w.node("n4").drop(CellWorld.CELL);
            s.w.node("n4").host(CellWorld.CELL, second, s.hostConfig);
        }
        return new Member[] {first, second};
    }

    @Test
    void reAddedNodeGetsANewIncarnation() {
        Sim s = new Sim(401, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        Member[] m = addRemoveReadd(s, c, true);
        assertTrue(m[1].incarnation() > m[0].incarnation());
        assertEquals(m[0].node(), m[1].node());
        assertFalse(m[0].equals(m[1]));
    }

    @Test
    void reAddedMemberCatchesUpAndVotes() {
        Sim s = new Sim(402, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        Member[] m = addRemoveReadd(s, c, true);
        s.putMany(c, "a", 3);
        assertTrue(s.w.runUntil(() -> s.replica("n4").appliedUpTo() >= s.replica("n1").appliedUpTo(), 5_000));
        assertEquals(m[1], s.replica("n4").member());
        s.w.crash("n2");
        SimClient c2 = s.client();
        assertNotNull(s.put(c2, "a", 9), "n1, n3 and the new n4 are 3 of 4");
        s.w.checkLinearizable();
    }

    @Test
    void messageAddressedToTheOldIncarnationIsIgnored() {
        Sim s = new Sim(403, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        Member[] m = addRemoveReadd(s, c, true);
        var r = s.replica("n4");
        Ballot before = r.promised();
        Ballot huge = new Ballot(1_000_000, Member.founding("n1"));
        Context ctx = new Context(s.w.node("n4").clock().monotonicMillis(), rng(s), n -> true);
        Effects fx = r.onMessage(new Envelope(CellWorld.CELL, Member.founding("n1"), m[0],
                new Message.Prepare(huge, 0, 0)), ctx);
        assertTrue(fx.send().isEmpty() && fx.persist().isEmpty(), "no promise for the old incarnation");
        assertEquals(before, r.promised());
        Effects fx2 = r.onMessage(new Envelope(CellWorld.CELL, Member.founding("n1"), m[1],
                new Message.Prepare(huge, 0, 0)), ctx);
        assertFalse(fx2.send().isEmpty() && fx2.persist().isEmpty(), "the new incarnation does answer");
    }

    @Test
    void messagesFromTheOldIncarnationDoNotCount() {
        Sim s = new Sim(404, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        Member[] m = addRemoveReadd(s, c, true);
        var r = s.replica("n1");
        Ballot before = r.promised();
        Context ctx = new Context(s.w.node("n1").clock().monotonicMillis(), rng(s), n -> true);
        // a Promise from n4's old incarnation for the current ballot must not make anyone leader
        Effects fx = r.onMessage(new Envelope(CellWorld.CELL, m[0], r.member(),
                new Message.Promise(new Ballot(999_999, m[0]), 0, java.util.List.of(), 0)), ctx);
        assertTrue(fx.replies().isEmpty());
        assertEquals(before, r.promised());
    }

    @Test
    void leaderNeverSendsToTheOldIncarnationAfterReAdd() {
        Sim s = new Sim(405, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        Member[] m = addRemoveReadd(s, c, true);
        int from = s.events.size();
        s.putMany(c, "a", 5);
        long toOld = s.events.subList(from, s.events.size()).stream()
                .filter(e -> e.delivery().message() instanceof Packet.Cell pc && pc.envelope().to().equals(m[0])).count();
        assertEquals(0, toOld);
        long toNew = s.events.subList(from, s.events.size()).stream()
                .filter(e -> e.delivery().message() instanceof Packet.Cell pc && pc.envelope().to().equals(m[1])).count();
        assertTrue(toNew > 0);
    }

    /**
     * The old replica of n4 is still running (never dropped). The new configuration is
     * {n1,n2,n3,n4#new}: n1 + n2 + the old n4 would be 3 of 4 if incarnations did not matter.
     */
    @Test
    void oldIncarnationCannotHelpFormASplitBrainQuorum() {
        Sim s = new Sim(406, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        Member[] m = addRemoveReadd(s, c, false);
        assertEquals(m[0], s.replica("n4").member(), "n4 still runs its old incarnation");
        s.putMany(c, "a", 3); // n1, n2, n3 are a quorum of the new config
        SimClient side = s.client();
        s.w.partition("p", "n3");
        long before = s.maxApplied();
        assertNull(s.put(side, "a", 42), "n1 + n2 + old n4 is no quorum");
        for (long slot = before; slot < before + 5; slot++) {
            var b = s.w.chosen(slot);
            assertTrue(b == null || b.commands().stream().noneMatch(x -> x.clientId().equals(side.clientId())));
        }
        // with the right incarnation hosted, the same side makes progress
        s.w.node("n4").drop(CellWorld.CELL);
        s.w.node("n4").host(CellWorld.CELL, m[1], s.hostConfig);
        SimClient again = s.client();
        assertNotNull(s.put(again, "a", 43));
        s.w.checkLinearizable();
    }

    @Test
    void oldIncarnationAcceptsNothingOfTheNewConfiguration() {
        Sim s = new Sim(407, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        Member[] m = addRemoveReadd(s, c, false);
        int from = s.events.size();
        s.putMany(c, "a", 4);
        long fromOld = s.events.subList(from, s.events.size()).stream()
                .filter(e -> e.kind() == NetworkEvent.Kind.SENT && e.delivery().message() instanceof Packet.Cell pc
                        && pc.envelope().from().equals(m[0])
                        && (pc.envelope().message() instanceof Message.Accepted
                                || pc.envelope().message() instanceof Message.Promise)).count();
        assertEquals(0, fromOld, "the old incarnation never votes");
    }
}
