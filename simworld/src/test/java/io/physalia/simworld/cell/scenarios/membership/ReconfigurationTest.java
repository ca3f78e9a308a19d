package io.physalia.simworld.cell.scenarios.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReconfigurationTest {

    @Test
    void addMemberGrowsTheConfigurationAndTheNewMemberCatchesUp() {
        Sim s = new Sim(101, 3);
        SimClient c = s.client();
        s.put(c, "a", 1);
        Member n4 = s.addAndHost(c, "n4");
        assertTrue(n4.incarnation() > 0, "a joining member has the incarnation of its change slot");
        s.putMany(c, "b", 6);
        assertTrue(s.w.runUntil(() -> s.replica("n4").appliedUpTo() >= s.replica("n1").appliedUpTo()
                && s.replica("n4").appliedUpTo() > 0, 5_000));
        assertEquals(4, s.replica("n1").configuration().members().size());
        assertEquals(io.physalia.core.kv.Value.ofInt(1), s.replica("n4").state().data().get("a").value());
        s.w.checkLinearizable();
    }

    @Test
    void addResultReportsPendingConfigurationAndEffectiveSlot() {
        Sim s = new Sim(102, 3);
        SimClient c = s.client();
        s.put(c, "a", 1);
        CommandResult.Membership r = s.add(c, "n4");
        assertTrue(r.applied());
        long slot = s.slotOf(s.last);
        assertTrue(slot >= 0);
        assertTrue(r.pending().hasNode(new NodeId("n4")));
        assertTrue(r.pending().contains(new Member(new NodeId("n4"), slot + 1)), "incarnation = change slot + 1");
        assertEquals(4, r.pending().members().size());
        assertTrue(r.detail().contains(String.valueOf(slot + 3)), r.detail());
    }

    @Test
    void removeMemberShrinksTheConfiguration() {
        Sim s = new Sim(103, 3);
        SimClient c = s.client();
        s.put(c, "a", 1);
        CommandResult.Membership r = s.remove(c, Member.founding("n3"));
        assertTrue(r.applied(), String.valueOf(r));
        assertEquals(2, r.pending().members().size());
        assertFalse(r.pending().hasNode(new NodeId("n3")));
        s.putMany(c, "a", 4);
        assertFalse(s.replica("n1").configuration().hasNode(new NodeId("n3")));
        s.w.checkLinearizable();
    }

    @Test
    void secondChangeWhilePendingIsRefusedWithReason() {
        Sim s = new Sim(104, 3);
        SimClient c1 = s.client();
        s.put(c1, "a", 1);
        s.w.addNode("n4"); // the node exists (the control plane starts it before adding it)
        String leader = s.leader();
        java.util.Map<Long, Reply> replies = new java.util.HashMap<>();
        s.w.network().register("client-direct", d -> {
            if (d.message() instanceof Packet.Response r) {
                replies.put(r.reply().requestId(), r.reply());
            }
        });
        // Both changes reach the leader in the same instant, so the second is decided while the
        // first is chosen but not yet in effect (timing through clients would make this a race).
        s.w.node(leader).request(CellWorld.CELL, "client-direct",
                new ClientRequest.Submit(1, new Command.AddMember("direct-1", 1, new NodeId("n4"))));
        s.w.node(leader).request(CellWorld.CELL, "client-direct",
                new ClientRequest.Submit(2, new Command.RemoveMember("direct-2", 1, Member.founding("n3"))));
        assertTrue(s.w.runUntil(() -> replies.size() == 2, 10_000), "both answered: " + replies);
        CommandResult.Membership a = (CommandResult.Membership) ((Reply.Applied) replies.get(1L)).result();
        CommandResult.Membership b = (CommandResult.Membership) ((Reply.Applied) replies.get(2L)).result();
        assertTrue(a.applied() ^ b.applied(), a + " / " + b);
        CommandResult.Membership refused = a.applied() ? b : a;
        assertTrue(refused.detail().contains("pending"), refused.detail());
        assertNull(refused.pending());
    }

    @Test
    void changeRightAfterAnotherIsRefusedUntilAlphaSlotsPass() {
        // Two changes submitted at the same moment by two clients land in the same or adjacent
        // slots, before the first is in force: exactly one applies, the other is refused.
        Sim s = new Sim(105, 3, ReplicaConfig.DEFAULT.withAlpha(3));
        SimClient c = s.client();
        SimClient other = s.w.addClient();
        s.put(c, "a", 1);
        s.w.addNode("n4");
        CommandResult[] results = new CommandResult[2];
        s.w.submit(c, seq -> new Command.AddMember(c.clientId(), seq, new NodeId("n4")), r -> results[0] = r);
        s.w.submit(other, seq -> new Command.RemoveMember(other.clientId(), seq, Member.founding("n3")),
                r -> results[1] = r);
        assertTrue(s.w.runUntil(() -> !c.busy() && !other.busy(), 20_000));
        CommandResult.Membership add = (CommandResult.Membership) results[0];
        CommandResult.Membership remove = (CommandResult.Membership) results[1];
        assertTrue(add.applied() ^ remove.applied(), "exactly one of two concurrent changes applies: " + add
                + " / " + remove);
        CommandResult.Membership refused = add.applied() ? remove : add;
        assertTrue(refused.detail().contains("one member at a time"), refused.detail());
    }

    @Test
    void aChangeTakesEffectWithoutFurtherClientTraffic() {
        // docs/adr/0001: the leader fills the alpha slots before the change with no-ops.
        Sim s = new Sim(107, 3, ReplicaConfig.DEFAULT.withAlpha(3));
        SimClient c = s.client();
        s.put(c, "a", 1);
        Member n4 = s.addAndHost(c, "n4");
        s.w.runFor(500); // no client writes from here on
        for (String n : List.of("n1", "n2", "n3")) {
            var r = s.replica(n);
            assertTrue(r.state().configFor(r.appliedUpTo()).contains(n4), n + " has the change in force at "
                    + r.appliedUpTo());
        }
    }

    @Test
    void changeAcceptedAgainOnceThePreviousIsInEffect() {
        Sim s = new Sim(106, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        s.addAndHost(c, "n4");
        s.putMany(c, "a", 3);
        CommandResult.Membership r = s.remove(c, Member.founding("n1"));
        assertTrue(r.applied(), String.valueOf(r));
        assertEquals(3, r.pending().members().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void newConfigurationTakesEffectExactlyAtSlotPlusAlpha(int alpha) {
        Sim s = new Sim(110 + alpha, 3, ReplicaConfig.DEFAULT.withAlpha(alpha));
        SimClient c = s.client();
        s.put(c, "a", 1);
        Configuration before = s.replica("n1").state().latestConfiguration();
        CommandResult.Membership r = s.add(c, "n4");
        long slot = s.slotOf(s.last);
        for (String n : List.of("n1", "n2", "n3")) {
            s.w.runUntil(() -> s.replica(n).appliedUpTo() > slot, 2_000);
            var st = s.replica(n).state();
            if (alpha > 1) {
                assertEquals(before, st.configFor(slot + alpha - 1), n + " still old at i+alpha-1");
            }
            assertEquals(r.pending(), st.configFor(slot + alpha), n + " new at i+alpha");
            assertEquals(r.pending(), st.configFor(slot + alpha + 5));
        }
        s.putMany(c, "a", alpha + 2);
        // the jury of each slot: Accepts for slots before i+alpha never reach n4, from i+alpha on they do
        for (long k = slot; k < slot + alpha; k++) {
            long kk = k;
            assertEquals(0, s.count(e -> e.delivery().to().equals("n4") && e.delivery().message()
                    instanceof io.physalia.simworld.cell.Packet.Cell pc
                    && pc.envelope().message() instanceof io.physalia.core.paxos.Message.Accept a && a.slot() == kk),
                    "slot " + k + " is chosen by the old configuration");
        }
        long first = slot + alpha;
        assertTrue(s.count(e -> e.delivery().to().equals("n4") && e.delivery().message()
                instanceof io.physalia.simworld.cell.Packet.Cell pc
                && pc.envelope().message() instanceof io.physalia.core.paxos.Message.Accept a && a.slot() == first) > 0,
                "slot i+alpha is sent to the new member");
    }

    @Test
    void addAlreadyMemberIsRefused() {
        Sim s = new Sim(120, 3);
        SimClient c = s.client();
        CommandResult.Membership r = s.add(c, "n2");
        assertFalse(r.applied());
        assertTrue(r.detail().contains("already a member"), r.detail());
    }

    @Test
    void removeNonMemberIsRefused() {
        Sim s = new Sim(121, 3);
        SimClient c = s.client();
        CommandResult.Membership r = s.remove(c, Member.founding("n9"));
        assertFalse(r.applied());
        assertTrue(r.detail().contains("not in the configuration"), r.detail());
    }

    @Test
    void removeWithWrongIncarnationIsRefused() {
        Sim s = new Sim(122, 3);
        SimClient c = s.client();
        CommandResult.Membership r = s.remove(c, new Member(new NodeId("n2"), 7));
        assertFalse(r.applied());
        assertEquals(3, s.replica("n1").configuration().members().size());
    }

    @Test
    void cannotRemoveTheLastMember() {
        Sim s = new Sim(123, 1);
        SimClient c = s.client();
        CommandResult.Membership r = s.remove(c, Member.founding("n1"));
        assertFalse(r.applied());
        assertTrue(r.detail().contains("last member"), r.detail());
    }

    @Test
    void replaceOneMemberAddThenRemove() {
        Sim s = new Sim(124, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "k", 5);
        Member n4 = s.addAndHost(c, "n4");
        s.putMany(c, "x", 3);
        CommandResult.Membership r = s.remove(c, Member.founding("n3"));
        assertTrue(r.applied(), String.valueOf(r));
        s.putMany(c, "x", 3);
        Configuration cfg = s.replica("n1").configuration();
        assertTrue(cfg.contains(n4));
        assertFalse(cfg.hasNode(new NodeId("n3")));
        s.w.node("n3").drop("cell-1");
        s.w.crash("n3");
        OpOutput o = s.put(c, "k", 6);
        assertEquals(TxnStatus.OK, o.status());
        s.w.checkLinearizable();
    }

    @Test
    void afterRemovalTheRemovedNodeIsNotNeededForQuorum() {
        Sim s = new Sim(125, 4, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        assertTrue(s.remove(c, Member.founding("n4")).applied());
        s.putMany(c, "a", 3);
        s.w.crash("n4");
        s.w.crash("n3");
        SimClient c2 = s.client();
        OpOutput o = s.put(c2, "a", 99);
        assertNotNull(o, "n1 + n2 are a majority of {n1,n2,n3}");
        assertEquals(TxnStatus.OK, o.status());
        s.w.checkLinearizable();
    }

    @Test
    void crashingTwoOfTheNewThreeMemberConfigStopsProgress() {
        Sim s = new Sim(126, 4, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        assertTrue(s.remove(c, Member.founding("n4")).applied());
        s.putMany(c, "a", 3);
        String survivor = "n1";
        for (String n : List.of("n1", "n2", "n3")) {
            if (!n.equals(survivor)) {
                s.w.crash(n);
            }
        }
        long before = s.maxApplied();
        SimClient c2 = s.client();
        OpOutput o = s.put(c2, "a", 77);
        assertNull(o, "n1 with the removed n4 is no quorum");
        for (long slot = before; slot <= before + 5; slot++) {
            var b = s.w.chosen(slot);
            assertTrue(b == null || b.commands().stream().noneMatch(x -> x.clientId().equals(c2.clientId())),
                    "c2's write was never chosen");
        }
    }

    @Test
    void removedNodeCannotFormQuorumWithAnOldMember() {
        Sim s = new Sim(127, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        s.addAndHost(c, "n4");
        s.putMany(c, "a", 3);
        assertTrue(s.remove(c, Member.founding("n3")).applied());
        s.putMany(c, "a", 3);
        // config is {n1,n2,n4}; n1 + n3 were a majority of the old {n1,n2,n3}
        s.w.crash("n2");
        s.w.crash("n4");
        long before = s.replica("n1").appliedUpTo();
        SimClient c2 = s.client();
        assertNull(s.put(c2, "a", 42));
        assertEquals(before, s.replica("n1").appliedUpTo());
        assertTrue(s.replica("n3").appliedUpTo() <= before);
        s.w.restart("n2");
        SimClient c3 = s.client();
        assertNotNull(s.put(c3, "a", 43), "n1 + n2 are a quorum again");
        s.w.checkLinearizable();
    }

    @Test
    void removeTheLeaderMovesLeadershipElsewhere() {
        Sim s = new Sim(128, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        String leader = s.leader();
        assertNotNull(leader);
        assertTrue(s.remove(c, Member.founding(leader)).applied());
        SimClient c2 = s.client();
        for (int i = 0; i < 5; i++) {
            assertNotNull(s.put(c2, "a", 10 + i));
        }
        s.w.crash(leader);
        assertNotNull(s.put(c2, "a", 50), "the remaining two members make progress without the removed leader");
        s.w.checkLinearizable();
    }

    @Test
    void growFromOneToThreeMembers() {
        Sim s = new Sim(129, 1, ReplicaConfig.DEFAULT.withAlpha(1));
        SimClient c = s.client();
        s.put(c, "a", 1);
        s.addAndHost(c, "n2");
        s.putMany(c, "a", 3);
        s.addAndHost(c, "n3");
        s.putMany(c, "a", 3);
        assertEquals(3, s.replica("n1").configuration().members().size());
        s.w.crash("n1");
        SimClient c2 = s.client();
        assertNotNull(s.put(c2, "z", 9), "n2 and n3 are a majority of three");
        s.w.checkLinearizable();
    }

    @Test
    void membershipCommandRetriedWithSameSeqAppliesOnce() {
        Sim s = new Sim(130, 3);
        SimClient c = s.client();
        s.put(c, "a", 1);
        // drop client responses for a while so the client retries the same seq
        s.w.network().addRule("lose-replies", (f, t, m) -> t.equals(c.name()), io.physalia.simworld.net.Fault.drop(0.7));
        CommandResult.Membership r = s.add(c, "n4");
        s.w.network().removeRule("lose-replies");
        if (r != null) {
            assertTrue(r.applied(), String.valueOf(r));
        }
        s.putMany(c, "a", 2);
        long adds = 0;
        for (long slot = 0; slot <= s.maxApplied(); slot++) {
            var b = s.w.chosen(slot);
            if (b != null) {
                adds += b.commands().stream().filter(x -> x instanceof Command.AddMember).count();
            }
        }
        assertTrue(adds >= 1);
        assertEquals(4, s.replica("n1").configuration().members().size());
    }

    @Test
    void addedButNotYetRunningMemberRaisesTheQuorum() {
        Sim s = new Sim(140, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        assertTrue(s.add(c, "n4").applied()); // n4 is never hosted
        s.putMany(c, "a", 3); // n1..n3 are 3 of 4
        s.w.crash("n3");
        long before = s.maxApplied();
        SimClient c2 = s.client();
        assertNull(s.put(c2, "a", 5), "n1 + n2 are only 2 of 4");
        for (long slot = before; slot < before + 4; slot++) {
            var b = s.w.chosen(slot);
            assertTrue(b == null || b.commands().stream().noneMatch(x -> x.clientId().equals(c2.clientId())));
        }
    }

    @Test
    void removedNodeDoesNotServeWrites() {
        Sim s = new Sim(141, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        assertTrue(s.remove(c, Member.founding("n3")).applied());
        s.putMany(c, "a", 3);
        int from = s.events.size();
        s.w.node("n3").request(io.physalia.simworld.cell.CellWorld.CELL, c.name(), new io.physalia.core.paxos.ClientRequest.Submit(
                4242, new Command.ClientTxn("direct", 1, new io.physalia.simworld.cell.ClientOp.Put("z", 1).toTransaction())));
        s.w.runFor(4_000);
        var replies = s.events.subList(from, s.events.size()).stream()
                .filter(e -> e.kind() == io.physalia.simworld.net.NetworkEvent.Kind.SENT && e.delivery().from().equals("n3")
                        && e.delivery().message() instanceof io.physalia.simworld.cell.Packet.Response r
                        && r.reply().requestId() == 4242)
                .map(e -> ((io.physalia.simworld.cell.Packet.Response) e.delivery().message()).reply()).toList();
        assertEquals(1, replies.size(), String.valueOf(replies));
        assertFalse(replies.get(0) instanceof io.physalia.core.paxos.Reply.Applied, String.valueOf(replies));
        for (long slot = 0; slot <= s.maxApplied(); slot++) {
            var b = s.w.chosen(slot);
            assertTrue(b == null || b.commands().stream().noneMatch(x -> x.clientId().equals("direct")));
        }
    }

    @Test
    void membershipChangesSurviveAFullRestart() {
        Sim s = new Sim(142, 3, ReplicaConfig.DEFAULT.withAlpha(2));
        SimClient c = s.client();
        s.put(c, "a", 1);
        assertTrue(s.remove(c, Member.founding("n3")).applied());
        s.putMany(c, "a", 3);
        s.w.crash("n1");
        s.w.crash("n2");
        s.w.restart("n1");
        s.w.restart("n2");
        assertFalse(s.replica("n1").configuration().hasNode(new NodeId("n3")));
        s.w.crash("n3");
        SimClient c2 = s.client();
        assertNotNull(s.put(c2, "a", 2), "n1 + n2 are the whole configuration after the restart");
        s.w.checkLinearizable();
    }
}
