package io.physalia.simworld.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Bounded exhaustive exploration of a 3-replica cell (paper section 4.2). Deeper bounds by hand:
 * {@link ExploreMain}.
 */
class ExplorerTest {

    private static Explorer.Result run(Scenario s) {
        Explorer.Result r = new Explorer(s).run();
        System.out.println(r);
        return r;
    }

    @Test
    void twoCompetingProposersWithLossDuplicationAndATimeout() {
        Explorer.Result r = run(Scenario.twoProposers(8, 1, 1, 1));
        assertNull(r.violation(), r::toString);
        assertTrue(r.states() >= 50_000, "explored too little: " + r);
        assertTrue(r.paths() >= 30_000, "explored too little: " + r);
        assertEquals(8, r.maxDepth());
    }

    @Test
    void threeCompetingProposers() {
        Explorer.Result r = run(Scenario.threeProposers(7, 1, 1, 1));
        assertNull(r.violation(), r::toString);
        assertTrue(r.states() >= 40_000, "explored too little: " + r);
    }

    @Test
    void noFaultsDeepEnoughForClientsToHearApplied() {
        Explorer.Result r = run(Scenario.twoProposers(13, 0, 0, 0));
        assertNull(r.violation(), r::toString);
        assertTrue(r.states() >= 10_000, "explored too little: " + r);
        assertTrue(r.allAppliedPaths() > 0, "no path reached an Applied reply for both requests: " + r);
    }

    @Test
    void dedupeChangesTheWorkNotTheVerdict() {
        Explorer.Result with = run(Scenario.twoProposers(6, 1, 1, 1));
        Explorer.Result without = run(Scenario.twoProposers(6, 1, 1, 1).withDedupe(false));
        assertNull(with.violation());
        assertNull(without.violation());
        assertTrue(without.states() > with.states());
    }

    /** Crashes: a replica recovered from its records (kill -9) at any point, with loss, a timeout. */
    @Test
    void aCrashAnywhereWithLossAndATimeout() {
        Explorer.Result r = run(Scenario.twoProposers(8, 1, 0, 1).withCrashes(1));
        assertNull(r.violation(), r::toString);
        assertTrue(r.states() >= 50_000, "explored too little: " + r);
    }

    /** A write racing the removal of n3 (alpha 1), with loss, duplication and a timeout. */
    @Test
    void oneMembershipChangeWithFaults() {
        Explorer.Result r = run(Scenario.membershipChange(8, 1, 1, 1));
        assertNull(r.violation(), r::toString);
        assertTrue(r.states() >= 50_000, "explored too little: " + r);
    }

    /**
     * The same race deep enough for the write to be chosen after the removal took effect, in
     * the smaller configuration, with one crash anywhere.
     */
    @Test
    void oneMembershipChangeAndACrash() {
        Explorer.Result r = run(Scenario.membershipChange(11, 0, 0, 0).withCrashes(1));
        assertNull(r.violation(), r::toString);
        assertTrue(r.states() >= 200_000, "explored too little: " + r);
        assertTrue(r.reconfiguredPaths() > 0, "no path applied a slot in the new configuration: " + r);
    }

    /** A deliberately broken acceptor that forgets its promise and accepted value on restart. */
    @Test
    void catchesAnAcceptorThatLosesItsDurableState() {
        Explorer.Result r = run(Scenario.twoProposers(12, 0, 0, 0).withAmnesia(1));
        assertNotNull(r.violation(), "the explorer missed a known bug: " + r);
        assertTrue(r.violation().startsWith("two values chosen"), r::toString);
        assertTrue(r.trace().stream().anyMatch(t -> t.contains("amnesia-restart")), r::toString);
    }
}
