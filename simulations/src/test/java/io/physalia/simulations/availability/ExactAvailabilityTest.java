package io.physalia.simulations.availability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.simulations.datacenter.Datacenter;
import io.physalia.simulations.datacenter.DatacenterShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The exact computations against a brute force that shares none of their reasoning: it lists
 * every state of every agg a volume and its store depend on, builds the racks' state from the
 * agg layer, and asks {@link Outcome} for each.
 */
class ExactAvailabilityTest {
    private static final double[] FRACTIONS = {0.01, 0.1, 0.35, 0.8};
    private static final DatacenterShape SMALL = new DatacenterShape(1, 3, 9, 8, 3, 3, 1, 2, 10_000);

    @Test
    void exactAgreesWithBruteForceForEveryKindOfPlacement() {
        Datacenter dc = new Datacenter(SMALL);
        SplittableRandom random = new SplittableRandom(3);
        List<Volume> volumes = Volumes.sample(dc, 60, random);
        List<StorePlacement> placements = new ArrayList<>();
        for (int size : new int[] {3, 5, 7}) {
            placements.add(EnginePlacement.place(dc, volumes, size, PlacementPolicy.LEAST_OVERLAP, 1).placement());
            placements.add(EnginePlacement.place(dc, volumes, size, PlacementPolicy.NEAR_CLIENTS, 1).placement());
            placements.add(RandomPlacement.place(dc, volumes.size(), size, random));
        }
        placements.add(SinglePoint.at(dc, 17, volumes.size()));
        for (StorePlacement p : placements) {
            double[][] exact = new double[FRACTIONS.length][ExactAvailability.FIELDS];
            double[][] brute = new double[FRACTIONS.length][ExactAvailability.FIELDS];
            for (int i = 0; i < volumes.size(); i++) {
                ExactAvailability.add(volumes.get(i), p.racks()[i], dc.aggs(), FRACTIONS, exact);
                bruteForce(dc, volumes.get(i), p.racks()[i], brute);
            }
            for (int q = 0; q < FRACTIONS.length; q++) {
                for (int k = 0; k < ExactAvailability.FIELDS; k++) {
                    assertEquals(brute[q][k], exact[q][k], 1e-9, p.name() + " field " + k + " at " + FRACTIONS[q]);
                }
            }
        }
    }

    @Test
    void loadMatchesBruteForceWithRedundantUplinksAndTheClosedFormWithOne() {
        for (int uplinks : new int[] {1, 2}) {
            Datacenter dc = new Datacenter(new DatacenterShape(1, 3, 8, 2, 2, 4, uplinks, 1, 10_000));
            List<Volume> volumes = Volumes.sample(dc, 40, new SplittableRandom(uplinks));
            double[] exact = new double[FRACTIONS.length];
            double[][] brute = new double[FRACTIONS.length][ExactAvailability.FIELDS];
            for (Volume v : volumes) {
                ExactLoad.add(v, dc.aggs(), FRACTIONS, exact);
                bruteForce(dc, v, new int[] {v.client()}, brute);
            }
            for (int q = 0; q < FRACTIONS.length; q++) {
                assertEquals(brute[q][ExactAvailability.NEEDS_STORE], exact[q], 1e-9, uplinks + " uplinks at " + FRACTIONS[q]);
                if (uplinks == 1) {
                    double f = FRACTIONS[q];
                    assertEquals(volumes.size() * 2 * f * (1 - f) * (1 - f), exact[q], 1e-9, "three independent points");
                }
            }
        }
    }

    /** Adds the volume's probabilities by listing every state of every agg its racks and its store's racks uplink to. */
    private static void bruteForce(Datacenter dc, Volume v, int[] memberRacks, double[][] sums) {
        List<Integer> aggs = new ArrayList<>();
        List<Integer> racks = new ArrayList<>(List.of(v.client(), v.primary(), v.replica()));
        for (int r : memberRacks) {
            racks.add(r);
        }
        for (int r : racks) {
            for (int agg : dc.aggs().uplinks(r)) {
                if (!aggs.contains(agg)) {
                    aggs.add(agg);
                }
            }
        }
        boolean[] aggDown = new boolean[dc.aggs().aggCount()];
        boolean[] rackUp = new boolean[dc.rackCount()];
        for (int state = 0; state < (1 << aggs.size()); state++) {
            for (int j = 0; j < aggs.size(); j++) {
                aggDown[aggs.get(j)] = (state & (1 << j)) != 0;
            }
            dc.aggs().racksUp(aggDown, rackUp);
            Outcome o = Outcome.of(v, memberRacks, rackUp);
            int down = Integer.bitCount(state);
            for (int q = 0; q < FRACTIONS.length; q++) {
                double w = Math.pow(FRACTIONS[q], down) * Math.pow(1 - FRACTIONS[q], aggs.size() - down);
                sums[q][ExactAvailability.LOST] += o.lost() ? w : 0;
                sums[q][ExactAvailability.LOST_TO_STORE] += o == Outcome.LOST_TO_STORE ? w : 0;
                sums[q][ExactAvailability.LOST_DATA] += o == Outcome.LOST_DATA ? w : 0;
                sums[q][ExactAvailability.CLIENT_UP] += o != Outcome.CLIENT_CUT_OFF ? w : 0;
                sums[q][ExactAvailability.NEEDS_STORE] += Outcome.needsStore(v, rackUp) ? w : 0;
            }
        }
    }
}
