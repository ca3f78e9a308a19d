package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.AggLayer;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Monte Carlo over agg failure sets: for each failure fraction, {@code trials} sets of independent
 * agg failures; every volume of every placement is judged by {@link Outcome#of} under the same
 * sets (so placements are compared on the same failures). Each field is the mean over trials of
 * the fraction of volumes, with its standard error from the spread between trials. Fields are
 * those of {@link ExactAvailability}.
 */
public final class MonteCarlo {
    private final double[][][] mean;
    private final double[][][] standardError;

    private MonteCarlo(double[][][] mean, double[][][] standardError) {
        this.mean = mean;
        this.standardError = standardError;
    }

    /** The mean over trials of field {@code field} for placement {@code p} at fraction index {@code q}. */
    public double mean(int p, int q, int field) {
        return mean[p][q][field];
    }

    public double standardError(int p, int q, int field) {
        return standardError[p][q][field];
    }

    public static MonteCarlo run(AggLayer aggs, int racks, List<Volume> volumes, List<StorePlacement> placements,
            double[] fractions, int trials, RandomGenerator random, Consumer<String> progress) {
        int n = volumes.size();
        int fields = ExactAvailability.FIELDS;
        double[][][] sum = new double[placements.size()][fractions.length][fields];
        double[][][] sumSq = new double[placements.size()][fractions.length][fields];
        boolean[] aggDown = new boolean[aggs.aggCount()];
        boolean[] rackUp = new boolean[racks];
        long[] count = new long[fields];
        for (int q = 0; q < fractions.length; q++) {
            progress.accept(String.format(java.util.Locale.ROOT, "monte carlo: failure fraction %.3f (%d of %d), %d trials",
                    fractions[q], q + 1, fractions.length, trials));
            for (int t = 0; t < trials; t++) {
                aggs.sampleFailures(fractions[q], random, aggDown);
                aggs.racksUp(aggDown, rackUp);
                int needs = 0;
                for (Volume v : volumes) {
                    if (Outcome.needsStore(v, rackUp)) {
                        needs++;
                    }
                }
                for (int p = 0; p < placements.size(); p++) {
                    java.util.Arrays.fill(count, 0);
                    int[][] memberRacks = placements.get(p).racks();
                    for (int i = 0; i < n; i++) {
                        Outcome o = Outcome.of(volumes.get(i), memberRacks[i], rackUp);
                        switch (o) {
                            case CLIENT_CUT_OFF -> { }
                            case SERVED, SERVED_BY_STORE -> count[ExactAvailability.CLIENT_UP]++;
                            case LOST_TO_STORE -> {
                                count[ExactAvailability.CLIENT_UP]++;
                                count[ExactAvailability.LOST]++;
                                count[ExactAvailability.LOST_TO_STORE]++;
                            }
                            case LOST_DATA -> {
                                count[ExactAvailability.CLIENT_UP]++;
                                count[ExactAvailability.LOST]++;
                                count[ExactAvailability.LOST_DATA]++;
                            }
                        }
                    }
                    count[ExactAvailability.NEEDS_STORE] = needs;
                    for (int k = 0; k < fields; k++) {
                        double x = (double) count[k] / n;
                        sum[p][q][k] += x;
                        sumSq[p][q][k] += x * x;
                    }
                }
            }
        }
        double[][][] mean = new double[placements.size()][fractions.length][fields];
        double[][][] se = new double[placements.size()][fractions.length][fields];
        for (int p = 0; p < placements.size(); p++) {
            for (int q = 0; q < fractions.length; q++) {
                for (int k = 0; k < fields; k++) {
                    double m = sum[p][q][k] / trials;
                    double var = trials > 1 ? Math.max(0, (sumSq[p][q][k] - trials * m * m) / (trials - 1)) : 0;
                    mean[p][q][k] = m;
                    se[p][q][k] = Math.sqrt(var / trials);
                }
            }
        }
        return new MonteCarlo(mean, se);
    }
}
