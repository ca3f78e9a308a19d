package io.physalia.simulations.availability;

import static io.physalia.simulations.availability.AvailabilityExperiment.OURS;
import static io.physalia.simulations.availability.AvailabilityExperiment.OURS_LEAST_OVERLAP;
import static io.physalia.simulations.availability.AvailabilityExperiment.RANDOM;
import static io.physalia.simulations.availability.AvailabilityExperiment.SINGLE;
import static io.physalia.simulations.availability.AvailabilityExperiment.SWAP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.simulations.datacenter.DatacenterShape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The claims docs/simulations.md makes for Figure 11, on a smaller run of the documented
 * datacenter (the probabilities are exact, so only the volume sample differs from the full run).
 */
class AvailabilityExperimentTest {
    private static final double[] F = AvailabilitySimulation.FRACTIONS;
    private static AvailabilityExperiment.Config config;
    private static AvailabilityExperiment.Result result;

    @BeforeAll
    static void run() {
        config = new AvailabilityExperiment.Config(DatacenterShape.DEFAULT, new int[] {5, 7, 9}, 300, 20, 20, F, 1);
        result = AvailabilityExperiment.run(config, line -> { });
    }

    private static int at(double fraction) {
        for (int q = 0; q < F.length; q++) {
            if (F[q] == fraction) {
                return q;
            }
        }
        throw new IllegalArgumentException("no fraction " + fraction);
    }

    @Test
    void theSeriesJudgedAsOursIsTheEnginesDefaultPolicy() {
        assertEquals(PlacementPolicy.NEAR_CLIENTS, PlacementPolicy.DEFAULT);
        assertEquals("ours (default, NEAR_CLIENTS)", AvailabilityExperiment.NAMES.get(OURS));
        assertEquals("ours (LEAST_OVERLAP)", AvailabilityExperiment.NAMES.get(OURS_LEAST_OVERLAP));
    }

    @Test
    void theDefaultPolicyNearClientsIsAtLeastFourTimesBetterThanTheSinglePointUpToThreePercent() {
        for (AvailabilityExperiment.SizeResult s : result.sizes()) {
            for (double f : new double[] {0.005, 0.01, 0.02, 0.03}) {
                double ratio = s.lost(SINGLE, at(f)) / s.lost(OURS, at(f));
                assertTrue(ratio >= 4, "size " + s.size() + " at " + f + ": " + ratio);
            }
        }
    }

    @Test
    void theDefaultPolicyNearClientsBeatsSwapRandomAndSinglePointEverywhereAndLosesNothingToItsStore() {
        for (AvailabilityExperiment.SizeResult s : result.sizes()) {
            for (int q = 0; q < F.length; q++) {
                double ours = s.lost(OURS, q);
                for (int other : new int[] {SWAP, RANDOM, SINGLE}) {
                    assertTrue(ours < s.lost(other, q), "size " + s.size() + " at " + F[q] + " vs " + other);
                }
                // Members on the client's, primary's and replica's racks: the store is never what fails the volume.
                assertEquals(0, s.lostToStore(OURS, q), 1e-15);
                assertEquals(s.floor(q), ours, 1e-12);
            }
        }
    }

    @Test
    void leastOverlapBeatsTheSinglePointAtLowFailureRatesForCellsOfSevenAndNine() {
        for (AvailabilityExperiment.SizeResult s : result.sizes()) {
            if (s.size() >= 7) {
                double ratio = s.lost(SINGLE, at(0.005)) / s.lost(OURS_LEAST_OVERLAP, at(0.005));
                assertTrue(ratio >= 4, "size " + s.size() + ": " + ratio);
                for (int q = 0; q < F.length; q++) {
                    assertTrue(s.lost(OURS_LEAST_OVERLAP, q) < s.lost(SINGLE, q), "size " + s.size() + " at " + F[q]);
                }
            }
        }
    }

    @Test
    void leastOverlapsLossesComeFromMajoritiesBehindOneAgg() {
        // Cells of 5 hold at most 2 per rack, so 3 members can sit behind one agg's 3 racks; cells of 7 and 9 cannot.
        AvailabilityExperiment.SizeResult five = result.sizes().get(0);
        assertTrue(five.exposed()[OURS_LEAST_OVERLAP] > 0.05, "cells of 5 exposed: " + five.exposed()[OURS_LEAST_OVERLAP]);
        assertEquals(0, five.exposed()[OURS]);
        assertEquals(0, result.sizes().get(1).exposed()[OURS_LEAST_OVERLAP]);
    }

    @Test
    void monteCarloAgreesWithTheExactValuesWhereItCanJudge() {
        int judged = 0;
        for (AvailabilityExperiment.SizeResult s : result.sizes()) {
            for (int p = 0; p < SINGLE; p++) {
                for (int q = 0; q < F.length; q++) {
                    double z = AvailabilitySimulation.deviation(config, s, p, q);
                    if (!Double.isNaN(z)) {
                        judged++;
                        assertTrue(Math.abs(z) < 5, "placement " + p + " size " + s.size() + " at " + F[q] + ": " + z);
                    }
                }
            }
        }
        assertTrue(judged >= 30, "judged " + judged);
    }
}
