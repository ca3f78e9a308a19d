package io.physalia.simworld.cell.scenarios.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.CommandResult.LeaseStatus;
import io.physalia.simworld.SimRandom;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.Workload;
import org.junit.jupiter.api.Test;

class LeaseScenarioTest {

    static CommandResult.Lease acquire(Sim s, SimClient c, String lease, long duration) {
        long sent = c.clock().monotonicMillis();
        CommandResult.Lease r = (CommandResult.Lease) s.submit(c,
                seq -> new Command.LeaseAcquire(c.clientId(), seq, lease, c.name(), duration, 0));
        if (r != null && r.status() == LeaseStatus.GRANTED) {
            s.w.leases().granted(c, lease, sent, duration);
        }
        return r;
    }

    static CommandResult.Lease renew(Sim s, SimClient c, String lease, long token, long duration) {
        long sent = c.clock().monotonicMillis();
        CommandResult.Lease r = (CommandResult.Lease) s.submit(c,
                seq -> new Command.LeaseRenew(c.clientId(), seq, lease, c.name(), token));
        if (r != null && r.status() == LeaseStatus.RENEWED) {
            s.w.leases().granted(c, lease, sent, duration);
        }
        return r;
    }

    static CommandResult.Lease release(Sim s, SimClient c, String lease, long token) {
        s.w.leases().forget(c, lease);
        return (CommandResult.Lease) s.submit(c,
                seq -> new Command.LeaseRelease(c.clientId(), seq, lease, c.name(), token));
    }

    @Test
    void acquireGrantsWithAPositiveToken() {
        Sim s = new Sim(201, 3);
        SimClient c = s.client();
        CommandResult.Lease r = acquire(s, c, "L", 1000);
        assertEquals(LeaseStatus.GRANTED, r.status());
        assertEquals(c.name(), r.holder());
        assertTrue(r.token() > 0);
        assertTrue(s.w.leases().believes(c, "L"));
        assertEquals(c.name(), s.replica("n1").state().lease("L") == null ? null
                : s.replica("n1").state().lease("L").holder());
    }

    @Test
    void renewKeepsTokenAndBumpsVersion() {
        Sim s = new Sim(202, 3);
        SimClient c = s.client();
        CommandResult.Lease g = acquire(s, c, "L", 1000);
        CommandResult.Lease r = renew(s, c, "L", g.token(), 1000);
        assertEquals(LeaseStatus.RENEWED, r.status());
        assertEquals(g.token(), r.token());
        assertTrue(r.version() > g.version());
    }

    @Test
    void releaseFreesTheLeaseForAnotherAtOnce() {
        Sim s = new Sim(203, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 5000);
        assertEquals(LeaseStatus.RELEASED, release(s, a, "L", g.token()).status());
        CommandResult.Lease g2 = acquire(s, b, "L", 5000);
        assertEquals(LeaseStatus.GRANTED, g2.status());
        assertTrue(g2.token() > g.token(), "fencing token grows");
    }

    @Test
    void anotherHolderIsRefusedWhileHeld() {
        Sim s = new Sim(204, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 1000);
        CommandResult.Lease r = acquire(s, b, "L", 1000);
        assertEquals(LeaseStatus.HELD_BY_OTHER, r.status());
        assertEquals(a.name(), r.holder());
        assertEquals(g.token(), r.token());
    }

    @Test
    void takeoverRefusedAtTwiceTheDuration() {
        Sim s = new Sim(205, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        acquire(s, a, "L", 1000);
        s.w.runFor(2_000);
        assertEquals(LeaseStatus.HELD_BY_OTHER, acquire(s, b, "L", 1000).status());
        s.w.runFor(700); // 2.7x
        assertEquals(LeaseStatus.HELD_BY_OTHER, acquire(s, b, "L", 1000).status());
    }

    @Test
    void takeoverAllowedAfterThreeTimesTheDuration() {
        Sim s = new Sim(206, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 1000);
        s.w.runFor(3_100);
        assertTrue(!s.w.leases().believes(a, "L"), "the old holder's own clock ran out");
        CommandResult.Lease t = acquire(s, b, "L", 1000);
        assertEquals(LeaseStatus.GRANTED, t.status());
        assertEquals(b.name(), t.holder());
        assertTrue(t.token() > g.token());
    }

    @Test
    void renewWithOldTokenAfterTakeoverFails() {
        Sim s = new Sim(207, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 500);
        s.w.runFor(1_700);
        CommandResult.Lease t = acquire(s, b, "L", 500);
        assertEquals(LeaseStatus.GRANTED, t.status());
        CommandResult.Lease r = renew(s, a, "L", g.token(), 500);
        assertEquals(LeaseStatus.NOT_HOLDER, r.status());
        assertEquals(b.name(), r.holder());
        assertEquals(t.token(), r.token());
    }

    @Test
    void renewWithWrongTokenFails() {
        Sim s = new Sim(208, 3);
        SimClient a = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 1000);
        assertEquals(LeaseStatus.NOT_HOLDER, renew(s, a, "L", g.token() + 7, 1000).status());
    }

    @Test
    void renewOfUnknownLeaseFails() {
        Sim s = new Sim(209, 3);
        SimClient a = s.client();
        CommandResult.Lease r = renew(s, a, "nothing", 1, 1000);
        assertEquals(LeaseStatus.NOT_HOLDER, r.status());
        assertNull(r.holder());
    }

    @Test
    void releaseByNonHolderFailsAndLeaseStaysHeld() {
        Sim s = new Sim(210, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 1000);
        CommandResult.Lease r = (CommandResult.Lease) s.submit(b,
                seq -> new Command.LeaseRelease(b.clientId(), seq, "L", b.name(), g.token()));
        assertEquals(LeaseStatus.NOT_HOLDER, r.status());
        assertEquals(LeaseStatus.HELD_BY_OTHER, acquire(s, b, "L", 1000).status());
    }

    @Test
    void fencingTokensGrowOverManyCycles() {
        Sim s = new Sim(211, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        long last = 0;
        for (int i = 0; i < 6; i++) {
            SimClient c = i % 2 == 0 ? a : b;
            CommandResult.Lease g = acquire(s, c, "L", 2000);
            assertEquals(LeaseStatus.GRANTED, g.status(), "cycle " + i);
            assertTrue(g.token() > last);
            last = g.token();
            release(s, c, "L", g.token());
        }
    }

    @Test
    void renewalRestartsTheTakeoverWatch() {
        Sim s = new Sim(212, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 1000);
        s.w.runFor(2_000);
        assertEquals(LeaseStatus.RENEWED, renew(s, a, "L", g.token(), 1000).status());
        s.w.runFor(1_500); // 3.5x after the grant, 1.5x after the renewal
        assertEquals(LeaseStatus.HELD_BY_OTHER, acquire(s, b, "L", 1000).status());
        s.w.runFor(1_700);
        assertEquals(LeaseStatus.GRANTED, acquire(s, b, "L", 1000).status());
    }

    @Test
    void sameHolderReacquiresWithANewToken() {
        Sim s = new Sim(213, 3);
        SimClient a = s.client();
        CommandResult.Lease g = acquire(s, a, "L", 1000);
        CommandResult.Lease g2 = acquire(s, a, "L", 1000);
        assertEquals(LeaseStatus.GRANTED, g2.status());
        assertTrue(g2.token() > g.token());
    }

    @Test
    void takeoverAfterLeaderCrashStillWaitsThreeDurationsFromTheGrant() {
        Sim s = new Sim(215, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        acquire(s, a, "L", 1000);
        long grantedAt = s.w.now();
        s.w.crash(s.leader());
        CommandResult.Lease r = acquire(s, b, "L", 1000);
        if (r != null && r.status() == LeaseStatus.GRANTED) {
            assertTrue(s.w.now() - grantedAt >= 3_000, "granted only after 3x the duration: " + (s.w.now() - grantedAt));
        }
        s.w.runFor(3_200);
        CommandResult.Lease r2 = acquire(s, b, "L", 1000);
        assertTrue(r2.status() == LeaseStatus.GRANTED && b.name().equals(r2.holder()), String.valueOf(r2));
        s.w.runFor(500);
    }

    @Test
    void wholeCellRestartWatchesGrantsAgainFromScratch() {
        Sim s = new Sim(216, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        acquire(s, a, "L", 1000);
        s.w.runFor(2_500);
        for (String n : new String[] {"n1", "n2", "n3"}) {
            s.w.crash(n);
        }
        long restartedAt = s.w.now();
        for (String n : new String[] {"n1", "n2", "n3"}) {
            s.w.restart(n);
        }
        // a restarted replica cannot know how long it watched before: it watches again from the restart
        CommandResult.Lease r = acquire(s, b, "L", 1000);
        assertTrue(r == null || r.status() == LeaseStatus.HELD_BY_OTHER
                || s.w.now() - restartedAt >= 3_000, r + " at " + (s.w.now() - restartedAt) + "ms after restart");
        s.w.runFor(4_000);
        CommandResult.Lease r2 = acquire(s, b, "L", 1000);
        assertTrue(r2.status() == LeaseStatus.GRANTED && b.name().equals(r2.holder()), String.valueOf(r2));
    }

    @Test
    void leaseStateSurvivesSnapshotsAndIsTaughtToALaggard() {
        Sim s = new Sim(220, 3, io.physalia.core.paxos.ReplicaConfig.DEFAULT.withLog(4, 2, 64));
        SimClient a = s.client();
        s.w.partition("p", "n3");
        CommandResult.Lease g = acquire(s, a, "L", 60_000);
        s.putMany(a, "x", 12);
        s.w.heal("p");
        s.putMany(a, "x", 2);
        assertTrue(s.w.runUntil(() -> s.replica("n3").appliedUpTo() >= s.replica("n1").appliedUpTo(), 5_000));
        var l = s.replica("n3").state().lease("L");
        assertEquals(a.name(), l.holder());
        assertEquals(g.token(), l.token());
    }

    @Test
    void clockRatesWithinTheBoundNeverBreakLeaseSafety() {
        long grants = 0;
        for (long seed = 2200; seed < 2230; seed++) {
            Sim s = new Sim(seed, 3);
            SimRandom r = new SimRandom(seed * 31);
            for (String n : new String[] {"n1", "n2", "n3"}) {
                s.w.node(n).clock().setRate(0.6 + r.nextInt(111) / 100.0); // 0.6 .. 1.7
            }
            Workload wl = new Workload(s.w);
            for (int i = 0; i < 3; i++) {
                SimClient c = s.client();
                c.clock().setRate(0.6 + r.nextInt(111) / 100.0);
                wl.startLeaseClient(c, 200);
            }
            s.w.runFor(6_000);
            if (seed % 3 == 0) {
                s.w.crash("n" + (1 + r.nextInt(3)));
                s.w.runFor(3_000);
            }
            wl.stop();
            s.w.runFor(2_000);
            grants += s.w.leases().grants();
        }
        assertTrue(grants > 100, "the leases were exercised: " + grants);
    }

    /** The clock-rate assumption matters: a client clock 4x slower than the proposer's breaks it. */
    @Test
    void clientClockFourTimesSlowerBreaksTheLeaseAndTheCheckerSeesIt() {
        Sim s = new Sim(217, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        a.clock().setRate(0.25);
        acquire(s, a, "L", 1000); // a believes for 1000 of its ms = 4000 real ms
        s.w.runFor(3_100);
        AssertionError e = assertThrows(AssertionError.class, () -> {
            acquire(s, b, "L", 1000);
            s.w.runFor(50); // the checker runs after every event
        });
        assertTrue(e.getMessage().contains("lease L held by"), e.getMessage());
    }

    @Test
    void proposerClockFourTimesFasterBreaksTheLeaseToo() {
        Sim s = new Sim(218, 3);
        for (String n : new String[] {"n1", "n2", "n3"}) {
            s.w.node(n).clock().setRate(4.0);
        }
        SimClient a = s.client();
        SimClient b = s.client();
        acquire(s, a, "L", 1000);
        s.w.runFor(800); // 3200 ms on the proposer's clock
        AssertionError e = assertThrows(AssertionError.class, () -> {
            acquire(s, b, "L", 1000);
            s.w.runFor(50); // the checker runs after every event
        });
        assertTrue(e.getMessage().contains("lease L held by"), e.getMessage());
    }

    @Test
    void clientClockWithinTheBoundIsSafeInTheSameScript() {
        Sim s = new Sim(219, 3);
        SimClient a = s.client();
        SimClient b = s.client();
        a.clock().setRate(0.4); // a believes for 2500 real ms, the proposer waits 3000
        acquire(s, a, "L", 1000);
        s.w.runFor(3_100);
        assertEquals(LeaseStatus.GRANTED, acquire(s, b, "L", 1000).status());
        s.w.runFor(2_000); // the checker stays quiet while both clocks run
    }
}
