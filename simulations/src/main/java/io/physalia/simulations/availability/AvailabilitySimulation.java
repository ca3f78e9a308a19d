package io.physalia.simulations.availability;

import static io.physalia.simulations.availability.AvailabilityExperiment.NAMES;
import static io.physalia.simulations.availability.AvailabilityExperiment.OURS;
import static io.physalia.simulations.availability.AvailabilityExperiment.OURS_LEAST_OVERLAP;
import static io.physalia.simulations.availability.AvailabilityExperiment.RANDOM;
import static io.physalia.simulations.availability.AvailabilityExperiment.SINGLE;
import static io.physalia.simulations.availability.AvailabilityExperiment.SWAP;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.core.cell.CellLimits;
import io.physalia.simulations.Simulation;
import io.physalia.simulations.SimulationOptions;
import io.physalia.simulations.SimulationOutput;
import io.physalia.simulations.datacenter.DatacenterShape;
import io.physalia.simulations.plot.SvgChart;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code physalia simulate availability}: the paper's Figure 11. Prints, per cell size, the
 * probability that a volume loses availability while its client instance is up, for each
 * placement, its ratio to the single-point baseline, the part the store is to blame for, a Monte
 * Carlo check, and the target lines; writes the plots.
 */
public final class AvailabilitySimulation implements Simulation {
    private static final int[] DEFAULT_SIZES = {5, 7, 9};
    static final double[] FRACTIONS = {0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5};
    static final double TARGET_RATIO = 4.0;

    @Override
    public String name() {
        return "availability";
    }

    @Override
    public String summary() {
        return "paper Figure 11: volume availability under agg failures, ours vs swap heuristic vs random vs single point";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sizes", SimulationOptions.cellSizesHelp(CellLimits.MIN_PLACED_MEMBERS, DEFAULT_SIZES));
        p.put("volumes", "volumes (one cell each) per cell size (default 4000; quick 400)");
        p.put("trials", "Monte Carlo agg failure sets per failure fraction (default 100; quick 20)");
        p.put("swap-candidates", "swap heuristic candidates per cell (default 20, the paper's)");
        p.putAll(DatacenterShape.parameters(DatacenterShape.DEFAULT));
        return p;
    }

    static AvailabilityExperiment.Config config(SimulationOptions o) {
        int[] sizes = o.cellSizesParam("sizes", DEFAULT_SIZES, CellLimits.MIN_PLACED_MEMBERS);
        return new AvailabilityExperiment.Config(DatacenterShape.from(o, DatacenterShape.DEFAULT), sizes,
                o.intParam("volumes", o.quick() ? 400 : 4000, 10, 1_000_000),
                o.intParam("trials", o.quick() ? 20 : 100, 2, 1_000_000),
                o.intParam("swap-candidates", 20, 0, 10_000), FRACTIONS, o.seed());
    }

    @Override
    public void run(SimulationOptions options, SimulationOutput output) throws IOException {
        AvailabilityExperiment.Config config = config(options);
        AvailabilityExperiment.Result result = AvailabilityExperiment.run(config, line -> output.progress(line, false));
        PrintStream out = output.out();
        out.println("datacenter: " + config.shape().describe());
        out.println("volumes: " + config.volumes() + "; client, primary and replica on three racks of one row, behind different aggs");
        out.println("single point: node " + result.singlePointNode() + " serves every volume");
        out.println("failures: each agg down independently with the given probability; the core never fails");
        for (AvailabilityExperiment.SizeResult s : result.sizes()) {
            printSize(out, config, s);
            writePlots(output, s);
        }
        out.println("## Targets");
        out.println();
        for (AvailabilityExperiment.SizeResult s : result.sizes()) {
            for (int ours : new int[] {OURS, OURS_LEAST_OVERLAP}) {
                out.println(targetVsSingle(s, ours));
                out.println(targetVsSwap(s, ours));
            }
        }
    }

    private static void printSize(PrintStream out, AvailabilityExperiment.Config config, AvailabilityExperiment.SizeResult s) {
        out.println();
        out.println("## Cell size " + s.size());
        out.println();
        out.println("engine, default policy (" + PlacementPolicy.DEFAULT + "): " + s.oursOverlap());
        out.println("engine, " + PlacementPolicy.LEAST_OVERLAP + ": " + s.leastOverlapOverlap());
        out.println("swap heuristic: kept " + s.swapsKept() + " of " + s.swapsTried() + " candidate swaps");
        if (s.exposed()[0] >= 0) {
            StringBuilder b = new StringBuilder("cells with a majority behind one agg other than the client's:");
            for (int p = 0; p < NAMES.size(); p++) {
                b.append(String.format(Locale.ROOT, " %s %.1f%%%s", NAMES.get(p), 100 * s.exposed()[p], p < NAMES.size() - 1 ? ";" : ""));
            }
            out.println(b);
        }
        out.println();
        out.println("P(volume unavailable | client instance up), " + (s.exact() ? "exact expectation" : "Monte Carlo mean") + ":");
        out.println();
        List<String> header = new ArrayList<>(List.of("failed aggs"));
        header.addAll(NAMES);
        header.add("floor (both copies cut off)");
        MarkdownTable raw = new MarkdownTable(header);
        List<String> ratioHeader = new ArrayList<>(List.of("failed aggs"));
        for (int p = 0; p < SINGLE; p++) {
            ratioHeader.add(NAMES.get(p));
        }
        MarkdownTable ratio = new MarkdownTable(ratioHeader);
        List<String> storeHeader = new ArrayList<>(List.of("failed aggs"));
        storeHeader.addAll(NAMES);
        MarkdownTable store = new MarkdownTable(storeHeader);
        for (int q = 0; q < config.fractions().length; q++) {
            String f = MarkdownTable.percent(config.fractions()[q]);
            List<String> r = new ArrayList<>(List.of(f));
            List<String> rr = new ArrayList<>(List.of(f));
            List<String> st = new ArrayList<>(List.of(f));
            for (int p = 0; p < NAMES.size(); p++) {
                r.add(MarkdownTable.probability(s.lost(p, q)));
                st.add(MarkdownTable.probability(s.lostToStore(p, q)));
                if (p < SINGLE) {
                    rr.add(MarkdownTable.ratio(s.lost(SINGLE, q), s.lost(p, q)));
                }
            }
            r.add(MarkdownTable.probability(s.floor(q)));
            raw.row(r);
            ratio.row(rr);
            store.row(st);
        }
        raw.print(out);
        out.println("How many times less often than with the single point a volume is unavailable (single point / placement):");
        out.println();
        ratio.print(out);
        out.println("P(volume unavailable because its store could not be reached), the part placement decides:");
        out.println();
        store.print(out);
        out.println(monteCarloCheck(config, s));
    }

    /**
     * How the Monte Carlo means compare with the exact values: for the cell placements, the
     * largest deviation in standard errors, where failure sets are large enough (5 aggs down on
     * average) for their loss counts to be judged by their spread: at small fractions, losses come
     * in rare bursts (one unlucky set takes many volumes at once) that a hundred sets cannot
     * judge. For the single point, whose losses all come with its own agg's failure, the largest
     * relative difference where at least 20 failure sets were expected to take that agg down.
     */
    static String monteCarloCheck(AvailabilityExperiment.Config config, AvailabilityExperiment.SizeResult s) {
        if (!s.exact()) {
            return "monte carlo: " + config.trials() + " failure sets per fraction (the figures above); no exact check with more than one uplink";
        }
        double worst = 0;
        String where = "";
        int compared = 0;
        for (int p = 0; p < SINGLE; p++) {
            for (int q = 0; q < config.fractions().length; q++) {
                double z = deviation(config, s, p, q);
                if (Double.isNaN(z)) {
                    continue;
                }
                compared++;
                if (Math.abs(z) > Math.abs(worst)) {
                    worst = z;
                    where = NAMES.get(p) + " at " + MarkdownTable.percent(config.fractions()[q]);
                }
            }
        }
        double single = singlePointDifference(config, s);
        return String.format(Locale.ROOT, "monte carlo check (%d failure sets per fraction): cells: %d comparisons at"
                + " fractions with >= 5 aggs down per set on average, largest deviation from the exact value %.1f standard"
                + " errors%s; single point: %s", config.trials(), compared, worst, where.isEmpty() ? "" : " (" + where + ")",
                Double.isNaN(single) ? "too few failure sets to judge" : String.format(Locale.ROOT,
                        "largest relative difference %.1f%% where its agg was expected down in >= 20 sets", 100 * single));
    }

    static double singlePointDifference(AvailabilityExperiment.Config config, AvailabilityExperiment.SizeResult s) {
        double worst = Double.NaN;
        for (int q = 0; q < config.fractions().length; q++) {
            if (config.fractions()[q] * config.trials() < 20) {
                continue;
            }
            double exact = s.probs()[SINGLE][q][ExactAvailability.LOST];
            double d = Math.abs(s.monteCarlo().mean(SINGLE, q, ExactAvailability.LOST) - exact) / exact;
            worst = Double.isNaN(worst) ? d : Math.max(worst, d);
        }
        return worst;
    }

    /**
     * (Monte Carlo - exact) / standard error for P(lost while the client is up), or NaN where it
     * cannot be judged: fewer than 5 aggs down per failure set on average, or fewer than 20
     * losses expected over all samples.
     */
    static double deviation(AvailabilityExperiment.Config config, AvailabilityExperiment.SizeResult s, int p, int q) {
        double exact = s.probs()[p][q][ExactAvailability.LOST];
        double expectedEvents = exact * config.volumes() * config.trials();
        double se = s.monteCarlo().standardError(p, q, ExactAvailability.LOST);
        if (config.fractions()[q] * config.shape().aggs() < 5 || expectedEvents < 20 || se == 0) {
            return Double.NaN;
        }
        return (s.monteCarlo().mean(p, q, ExactAvailability.LOST) - exact) / se;
    }

    static String targetVsSingle(AvailabilityExperiment.SizeResult s, int ours) {
        double best = 0;
        int bestAt = -1;
        int unjudged = 0;
        List<String> met = new ArrayList<>();
        for (int q = 0; q < FRACTIONS.length; q++) {
            if (s.lost(SINGLE, q) == 0 && s.lost(ours, q) == 0) {
                unjudged++;
                continue;
            }
            double r = ratio(s.lost(SINGLE, q), s.lost(ours, q));
            if (r > best) {
                best = r;
                bestAt = q;
            }
            if (r >= TARGET_RATIO) {
                met.add(MarkdownTable.percent(FRACTIONS[q]));
            }
        }
        return String.format(Locale.ROOT, "cell size %d, %s vs single point: %s lower at %s failed aggs (best); >= %.0fx at %s;"
                + "%s target >= %.0fx: %s", s.size(), NAMES.get(ours),
                best == Double.POSITIVE_INFINITY ? "inf" : String.format(Locale.ROOT, "%.1fx", best),
                bestAt < 0 ? "-" : MarkdownTable.percent(FRACTIONS[bestAt]), TARGET_RATIO,
                met.isEmpty() ? "no fraction" : String.join(", ", met), unjudged(unjudged), TARGET_RATIO,
                met.isEmpty() ? "MISSED" : "MET");
    }

    static String targetVsSwap(AvailabilityExperiment.SizeResult s, int ours) {
        List<String> worse = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        int unjudged = 0;
        for (int q = 0; q < FRACTIONS.length; q++) {
            double mine = s.lost(ours, q);
            double swap = s.lost(SWAP, q);
            if (mine == 0 && swap == 0) {
                unjudged++;
            } else if (mine >= swap) {
                worse.add(MarkdownTable.percent(FRACTIONS[q]));
            } else {
                double r = ratio(swap, mine);
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
        }
        int judged = FRACTIONS.length - unjudged;
        int better = judged - worse.size();
        return String.format(Locale.ROOT, "cell size %d, %s vs swap heuristic: lower at %d of %d failure fractions%s%s;%s"
                + " target better than swap: %s", s.size(), NAMES.get(ours), better, judged,
                better == 0 ? "" : String.format(Locale.ROOT, " (%.2fx to %s lower)", lo,
                        hi == Double.POSITIVE_INFINITY ? "inf" : String.format(Locale.ROOT, "%.2fx", hi)),
                worse.isEmpty() ? "" : "; not lower at " + String.join(", ", worse), unjudged(unjudged),
                worse.isEmpty() && judged > 0 ? "MET" : "MISSED");
    }

    /** A note for fractions where neither side lost a volume (Monte Carlo runs too short to see any). */
    private static String unjudged(int count) {
        return count == 0 ? "" : " " + count + " fraction(s) with no losses on either side not judged;";
    }

    static double ratio(double a, double b) {
        return b == 0 ? (a == 0 ? 1 : Double.POSITIVE_INFINITY) : a / b;
    }

    private static void writePlots(SimulationOutput output, AvailabilityExperiment.SizeResult s) throws IOException {
        double[] x = new double[FRACTIONS.length];
        for (int q = 0; q < x.length; q++) {
            x[q] = FRACTIONS[q] * 100;
        }
        SvgChart raw = new SvgChart("Figure 11(a): volume unavailable, cells of " + s.size(), "failed aggs (%)",
                "P(unavailable | client up)").logY();
        for (int p = 0; p < NAMES.size(); p++) {
            double[] y = new double[x.length];
            for (int q = 0; q < x.length; q++) {
                y[q] = s.lost(p, q);
            }
            if (p == SINGLE) {
                raw.dashed(NAMES.get(p), x, y);
            } else {
                raw.line(NAMES.get(p), x, y);
            }
        }
        double[] floor = new double[x.length];
        for (int q = 0; q < x.length; q++) {
            floor[q] = s.floor(q);
        }
        raw.dashed("floor: both copies cut off", x, floor);
        output.writeSvg("figure11-a-size" + s.size() + ".svg", raw);

        SvgChart ratio = new SvgChart("Figure 11(b): single point / placement, cells of " + s.size(), "failed aggs (%)",
                "times less often unavailable").logY();
        for (int p = 0; p < SINGLE; p++) {
            double[] y = new double[x.length];
            for (int q = 0; q < x.length; q++) {
                double r = ratio(s.lost(SINGLE, q), s.lost(p, q));
                y[q] = Double.isInfinite(r) ? Double.NaN : r;
            }
            ratio.line(NAMES.get(p), x, y);
        }
        double[] target = new double[x.length];
        java.util.Arrays.fill(target, TARGET_RATIO);
        ratio.dashed("target 4x", x, target);
        output.writeSvg("figure11-b-size" + s.size() + ".svg", ratio);
    }
}
