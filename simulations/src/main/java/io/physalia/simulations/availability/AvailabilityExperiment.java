package io.physalia.simulations.availability;

import io.physalia.controlplane.OverlapStats;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.simulations.datacenter.AggLayer;
import io.physalia.simulations.datacenter.Datacenter;
import io.physalia.simulations.datacenter.DatacenterShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Figure 11's experiment: the same volumes, their configuration store placed five ways (the
 * engine with its default policy, {@link PlacementPolicy#DEFAULT}; the engine with
 * {@link PlacementPolicy#LEAST_OVERLAP}, the comparison point; the swap heuristic; random; one
 * single point), judged under agg failures. Probabilities are exact where
 * {@link ExactAvailability} applies (one uplink per rack), else the Monte Carlo means; the Monte
 * Carlo run is always made, as the check.
 */
public final class AvailabilityExperiment {
    /** The engine with its default policy ({@link PlacementPolicy#DEFAULT}): the placement the targets judge. */
    public static final int OURS = 0;
    /** The engine with {@link PlacementPolicy#LEAST_OVERLAP}. */
    public static final int OURS_LEAST_OVERLAP = 1;
    public static final int SWAP = 2;
    public static final int RANDOM = 3;
    public static final int SINGLE = 4;
    public static final List<String> NAMES = List.of("ours (default, " + PlacementPolicy.DEFAULT + ")",
            "ours (" + PlacementPolicy.LEAST_OVERLAP + ")", "swap heuristic", "random", "single point");

    public record Config(DatacenterShape shape, int[] sizes, int volumes, int trials, int swapCandidates,
            double[] fractions, long seed) {}

    /**
     * Results for one cell size. {@code probs[placement][fraction][field]} is the share of volumes
     * (fields of {@link ExactAvailability}); {@code exposed[placement]} is the share of volumes
     * whose store has a majority behind one agg other than the client's (with one uplink per
     * rack; -1 otherwise): that agg's failure alone cuts the store off while the client is up.
     */
    public record SizeResult(int size, double[][][] probs, boolean exact, MonteCarlo monteCarlo, double[] exposed,
            OverlapStats oursOverlap, OverlapStats leastOverlapOverlap, long swapsTried, long swapsKept) {

        /** P(volume unavailable | client instance up) for a placement at fraction index {@code q}. */
        public double lost(int placement, int q) {
            double up = probs[placement][q][ExactAvailability.CLIENT_UP];
            return up == 0 ? 0 : probs[placement][q][ExactAvailability.LOST] / up;
        }

        /** P(volume unavailable because its store could not be reached). */
        public double lostToStore(int placement, int q) {
            return probs[placement][q][ExactAvailability.LOST_TO_STORE];
        }

        /** P(both copies cut off from the client | client up): lost whatever the store does. */
        public double floor(int q) {
            double up = probs[SINGLE][q][ExactAvailability.CLIENT_UP];
            return up == 0 ? 0 : probs[SINGLE][q][ExactAvailability.LOST_DATA] / up;
        }
    }

    public record Result(Datacenter datacenter, String singlePointNode, List<SizeResult> sizes) {}

    private AvailabilityExperiment() {}

    public static Result run(Config config, Consumer<String> progress) {
        Datacenter dc = new Datacenter(config.shape());
        SplittableRandom root = new SplittableRandom(config.seed());
        List<Volume> volumes = Volumes.sample(dc, config.volumes(), root.split());
        int singleNode = root.split().nextInt(dc.nodeCount());
        List<SizeResult> out = new ArrayList<>();
        for (int size : config.sizes()) {
            SplittableRandom r = root.split();
            // Seeds drawn in the order of the runs before NEAR_CLIENTS became the default (LEAST_OVERLAP's
            // first), so each policy's placement, and so every figure, is the same as in those runs.
            long leastOverlapSeed = r.nextLong();
            long defaultSeed = r.nextLong();
            progress.accept("cell size " + size + ": engine placement (default policy, " + PlacementPolicy.DEFAULT + ") of "
                    + volumes.size() + " cells");
            EnginePlacement.Result ours = EnginePlacement.place(dc, volumes, size, PlacementPolicy.DEFAULT, defaultSeed);
            progress.accept("cell size " + size + ": engine placement (" + PlacementPolicy.LEAST_OVERLAP + ")");
            EnginePlacement.Result least = EnginePlacement.place(dc, volumes, size, PlacementPolicy.LEAST_OVERLAP,
                    leastOverlapSeed);
            StorePlacement random = RandomPlacement.place(dc, volumes.size(), size, r.split());
            progress.accept("cell size " + size + ": swap heuristic, " + config.swapCandidates() + " candidates per cell");
            SwapHeuristic.Result swap = SwapHeuristic.improve(dc, volumes, random, config.swapCandidates(), r.split());
            List<StorePlacement> placements = List.of(ours.placement(), least.placement(), swap.placement(), random,
                    SinglePoint.at(dc, singleNode, volumes.size()));
            MonteCarlo mc = MonteCarlo.run(dc.aggs(), dc.rackCount(), volumes, placements, config.fractions(),
                    config.trials(), r.split(), line -> progress.accept("cell size " + size + ": " + line));
            boolean exact = ExactAvailability.applies(dc.aggs());
            double[][][] probs = new double[placements.size()][config.fractions().length][ExactAvailability.FIELDS];
            for (int p = 0; p < placements.size(); p++) {
                for (int q = 0; q < config.fractions().length; q++) {
                    for (int k = 0; k < ExactAvailability.FIELDS; k++) {
                        probs[p][q][k] = mc.mean(p, q, k);
                    }
                }
            }
            double[] exposed = new double[placements.size()];
            if (exact) {
                progress.accept("cell size " + size + ": exact expectation");
                for (int p = 0; p < placements.size(); p++) {
                    double[][] sums = new double[config.fractions().length][ExactAvailability.FIELDS];
                    for (int i = 0; i < volumes.size(); i++) {
                        ExactAvailability.add(volumes.get(i), placements.get(p).racks()[i], dc.aggs(), config.fractions(), sums);
                    }
                    for (int q = 0; q < sums.length; q++) {
                        for (int k = 0; k < ExactAvailability.FIELDS; k++) {
                            probs[p][q][k] = sums[q][k] / volumes.size();
                        }
                    }
                    exposed[p] = exposedShare(dc.aggs(), volumes, placements.get(p));
                }
            } else {
                java.util.Arrays.fill(exposed, -1);
            }
            out.add(new SizeResult(size, probs, exact, mc, exposed, ours.overlap(), least.overlap(), swap.swapsTried(),
                    swap.swapsKept()));
        }
        return new Result(dc, dc.node(singleNode).node(), out);
    }

    /** The share of volumes whose store has a majority of members behind one agg that is not the client's. */
    static double exposedShare(AggLayer aggs, List<Volume> volumes, StorePlacement placement) {
        int exposed = 0;
        for (int i = 0; i < volumes.size(); i++) {
            int[] racks = placement.racks()[i];
            int clientAgg = aggs.uplink(volumes.get(i).client(), 0);
            boolean hit = false;
            for (int a = 0; a < racks.length && !hit; a++) {
                int agg = aggs.uplink(racks[a], 0);
                if (agg == clientAgg) {
                    continue;
                }
                int behind = 0;
                for (int rack : racks) {
                    if (aggs.uplink(rack, 0) == agg) {
                        behind++;
                    }
                }
                hit = behind > racks.length / 2;
            }
            if (hit) {
                exposed++;
            }
        }
        return (double) exposed / volumes.size();
    }
}
