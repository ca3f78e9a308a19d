package io.physalia.simworld.cell.scenarios.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.Workload;
import io.physalia.simworld.net.NetworkEvent;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaderLeaseScenarioTest {

    static Reply.ReadResult read(Sim s, SimClient c, String key) {
        AtomicReference<Reply.ReadResult> out = new AtomicReference<>();
        c.read(new ClientOp.Get(key).toTransaction(), ClientRequest.ReadMode.LINEARIZABLE, out::set);
        assertTrue(s.w.runUntil(() -> !c.busy(), 20_000));
        return out.get();
    }

    long localReads(Sim s, String from) {
        return s.count(e -> e.kind() == NetworkEvent.Kind.SENT && e.delivery().from().equals(from)
                && e.delivery().message() instanceof Packet.Response r && r.reply() instanceof Reply.ReadResult rr
                && rr.servedLocally());
    }

    @Test
    void readAfterWriteIsServedLocallyUnderTheLease() {
        Sim s = new Sim(501, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(1000));
        SimClient c = s.client();
        s.put(c, "k", 3);
        Reply.ReadResult r = read(s, c, "k");
        assertTrue(r.servedLocally());
        assertTrue(r.result().toString().contains("int:3"), r.toString());
        String leader = s.leader();
        assertTrue(s.replica(leader).leaderLeaseUntil() > s.w.node(leader).clock().monotonicMillis());
    }

    @Test
    void withoutLeaseReadsGoThroughTheLog() {
        Sim s = new Sim(502, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(0));
        SimClient c = s.client();
        s.put(c, "k", 3);
        long before = s.maxApplied();
        Reply.ReadResult r = read(s, c, "k");
        assertFalse(r.servedLocally());
        assertTrue(r.result().toString().contains("int:3"));
        assertTrue(s.maxApplied() > before, "the read took a slot");
        assertEquals(0, s.replica(s.leader()).leaderLeaseUntil());
    }

    @Test
    void leaseRunsOutWhenIdleAndTheNextReadGoesThroughTheLog() {
        Sim s = new Sim(503, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(500));
        SimClient c = s.client();
        s.put(c, "k", 3);
        s.w.runFor(1_000);
        long before = s.maxApplied();
        Reply.ReadResult r = read(s, c, "k");
        assertFalse(r.servedLocally(), "lease expired: the read must be confirmed by a quorum");
        assertTrue(s.maxApplied() > before);
        assertTrue(read(s, c, "k").servedLocally(), "and the lease is back");
    }

    @Test
    void isolatedLeaderStopsLocalReadsAndRivalWaitsOutTheLease() {
        Sim s = new Sim(504, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(1000));
        SimClient c1 = s.client();
        s.put(c1, "k", 1);
        String old = s.leader();
        // c1 stays with the old leader; c2 on the majority side
        s.w.partition("p", old, c1.name());
        long cut = s.w.now();
        SimClient c2 = s.client();
        java.util.List<Long> localAt = new java.util.ArrayList<>();
        s.w.network().observe(e -> {
            if (e.kind() == NetworkEvent.Kind.SENT && e.delivery().from().equals(old)
                    && e.delivery().message() instanceof Packet.Response r && r.reply() instanceof Reply.ReadResult rr
                    && rr.servedLocally()) {
                localAt.add(e.timeMillis());
            }
        });
        boolean[] done = new boolean[1];
        long[] wroteAt = new long[1];
        s.w.perform(c2, new ClientOp.Put("k", 2), o -> {
            done[0] = o != null;
            wroteAt[0] = s.w.now();
        });
        for (int i = 0; i < 8; i++) {
            s.w.perform(c1, new ClientOp.Get("k"), o -> { });
            s.w.runUntil(() -> !c1.busy(), 10_000);
        }
        s.w.runUntil(() -> !c2.busy(), 20_000);
        assertTrue(done[0], "the majority side took over eventually");
        assertTrue(wroteAt[0] - cut >= 1_000, "not before the old leader's lease ran out: " + (wroteAt[0] - cut));
        for (long t : localAt) {
            assertTrue(t < cut + 1_000, "local read at " + t + " after the lease");
        }
        s.w.healAll();
        s.w.checkLinearizable();
    }

    @Test
    void restartedAcceptorRefusesPreparesForThreeLeases() {
        Sim s = new Sim(505, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(500));
        SimClient c = s.client();
        s.put(c, "k", 1);
        String leader = s.leader();
        String restarted = java.util.stream.Stream.of("n1", "n2", "n3").filter(n -> !n.equals(leader))
                .findFirst().orElseThrow();
        s.w.crash(leader);
        s.w.crash(restarted);
        s.w.runFor(2_000); // the dead leader's lease is long gone everywhere
        s.w.restart(restarted);
        long restartedAt = s.w.now();
        SimClient c2 = s.client();
        OpOutput o = s.put(c2, "k", 2);
        assertNotNull(o);
        long promiseAt = s.events.stream().filter(e -> e.kind() == NetworkEvent.Kind.SENT
                && e.delivery().from().equals(restarted) && e.timeMillis() >= restartedAt
                && e.delivery().message() instanceof Packet.Cell pc && pc.envelope().message() instanceof Message.Promise)
                .mapToLong(NetworkEvent::timeMillis).min().orElse(-1);
        boolean selfLed = s.replica(restarted).isLeader();
        if (!selfLed) {
            assertTrue(promiseAt >= restartedAt + 1_500, "quarantine of 3x500ms: first promise at +" + (promiseAt - restartedAt));
        }
        assertTrue(s.count(e -> e.kind() == NetworkEvent.Kind.SENT && e.delivery().from().equals(restarted)
                && e.delivery().message() instanceof Packet.Cell pc && pc.envelope().message() instanceof Message.Nack n
                && n.leaseMillisLeft() > 0) > 0 || selfLed, "it refused with the time left");
        assertTrue(s.w.now() - restartedAt >= 1_500, "no write before the quarantine ended");
    }

    @Test
    void noLeaseMeansNoQuarantine() {
        Sim s = new Sim(506, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(0));
        SimClient c = s.client();
        s.put(c, "k", 1);
        String leader = s.leader();
        s.w.crash(leader);
        String restarted = leader.equals("n1") ? "n2" : "n1";
        s.w.crash(restarted);
        s.w.restart(restarted);
        long at = s.w.now();
        SimClient c2 = s.client();
        assertNotNull(s.put(c2, "k", 2));
        assertTrue(s.w.now() - at < 1_500, "took " + (s.w.now() - at));
    }

    @Test
    void localReadsStayLinearizableThroughLeaderChanges() {
        for (long seed = 510; seed < 516; seed++) {
            Sim s = new Sim(seed, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(300));
            Workload wl = new Workload(s.w);
            for (int i = 0; i < 3; i++) {
                wl.startKvClient(s.client());
            }
            s.w.runFor(800);
            String l = s.leader();
            if (l != null) {
                s.w.partition("p", l);
            }
            s.w.runFor(2_000);
            s.w.healAll();
            s.w.runFor(800);
            l = s.leader();
            if (l != null) {
                s.w.crash(l);
            }
            s.w.runFor(2_000);
            wl.stop();
            s.w.runUntilClientsIdle(10_000);
            assertTrue(wl.completed() > 20, "seed " + seed + " made progress: " + wl.completed());
            assertTrue(localReads(s, "n1") + localReads(s, "n2") + localReads(s, "n3") > 0, "some reads were local");
            s.w.checkLinearizable();
        }
    }

    @Test
    void clockSkewWithinTheBoundKeepsLeaderLeasesSafe() {
        for (long seed = 520; seed < 526; seed++) {
            Sim s = new Sim(seed, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(300));
            s.w.node("n1").clock().setRate(1.7);
            s.w.node("n2").clock().setRate(0.6);
            s.w.node("n3").clock().setRate(1.0);
            Workload wl = new Workload(s.w);
            for (int i = 0; i < 3; i++) {
                wl.startKvClient(s.client());
            }
            s.w.runFor(700);
            String l = s.leader();
            if (l != null) {
                s.w.partition("p", l);
            }
            s.w.runFor(2_500);
            s.w.healAll();
            wl.stop();
            s.w.runUntilClientsIdle(10_000);
            s.w.checkLinearizable();
        }
    }

    @Test
    void valueWrittenByNewLeaderIsSeenByLocalReadsThere() {
        Sim s = new Sim(507, 3, ReplicaConfig.DEFAULT.withLeaderLeaseMillis(400));
        SimClient c = s.client();
        s.put(c, "k", 1);
        s.w.crash(s.leader());
        SimClient c2 = s.client();
        assertNotNull(s.put(c2, "k", 2));
        Reply.ReadResult r = read(s, c2, "k");
        assertNotNull(r);
        assertTrue(r.result().toString().contains(Value.ofInt(2).toString()), r.toString());
        s.w.checkLinearizable();
    }
}
