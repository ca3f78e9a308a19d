package io.physalia.simulations.availability;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.core.cell.CellLimits;
import io.physalia.simulations.Simulation;
import io.physalia.simulations.SimulationOptions;
import io.physalia.simulations.SimulationOutput;
import io.physalia.simulations.datacenter.Datacenter;
import io.physalia.simulations.datacenter.DatacenterShape;
import io.physalia.simulations.plot.SvgChart;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code physalia simulate cell-size}: the paper's Figure 4. Cells of each size (placed by the
 * engine; a cell of one is a single node) as the fraction of failed nodes grows, failures
 * uncorrelated: each node down independently. A cell is available while a majority of its members
 * is up. Monte Carlo over failure sets, with the binomial closed form beside it.
 */
public final class CellSizeSimulation implements Simulation {
    private static final int[] DEFAULT_SIZES = {1, 3, 5, 7, 9};

    @Override
    public String name() {
        return "cell-size";
    }

    @Override
    public String summary() {
        return "paper Figure 4: cell availability by cell size as the fraction of failed nodes grows";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sizes", SimulationOptions.cellSizesHelp(CellLimits.MIN_MEMBERS, DEFAULT_SIZES));
        p.put("cells", "cells per size (default 2000; quick 200)");
        p.put("trials", "Monte Carlo node failure sets per failure fraction (default 200; quick 30)");
        return p;
    }

    /** Per size: availability by fraction, Monte Carlo mean and standard error, and the closed form. */
    public record Curve(int size, double[] monteCarlo, double[] standardError, double[] closedForm) {}

    public record Result(double[] fractions, List<Curve> curves) {}

    public static Result compute(SimulationOptions o, Consumer<String> progress) {
        int[] sizes = o.cellSizesParam("sizes", DEFAULT_SIZES, CellLimits.MIN_MEMBERS);
        int cells = o.intParam("cells", o.quick() ? 200 : 2000, 10, 1_000_000);
        int trials = o.intParam("trials", o.quick() ? 30 : 200, 2, 1_000_000);
        double[] fractions = new double[21];
        for (int i = 0; i < fractions.length; i++) {
            fractions[i] = i / 20.0;
        }
        Datacenter dc = new Datacenter(DatacenterShape.DEFAULT);
        SplittableRandom root = new SplittableRandom(o.seed());
        List<Volume> clients = Volumes.sample(dc, cells, root.split());
        int[][][] members = new int[sizes.length][][];
        for (int s = 0; s < sizes.length; s++) {
            progress.accept("placing " + cells + " cells of " + sizes[s]);
            members[s] = sizes[s] == 1 ? RandomPlacement.place(dc, cells, 1, root.split()).nodes()
                    : EnginePlacement.place(dc, clients, sizes[s], PlacementPolicy.DEFAULT, root.nextLong())
                            .placement().nodes();
        }
        double[][] sum = new double[sizes.length][fractions.length];
        double[][] sumSq = new double[sizes.length][fractions.length];
        boolean[] down = new boolean[dc.nodeCount()];
        SplittableRandom failures = root.split();
        for (int q = 0; q < fractions.length; q++) {
            progress.accept(String.format(Locale.ROOT, "failure fraction %.2f (%d of %d), %d trials", fractions[q], q + 1,
                    fractions.length, trials));
            for (int t = 0; t < trials; t++) {
                for (int n = 0; n < down.length; n++) {
                    down[n] = failures.nextDouble() < fractions[q];
                }
                for (int s = 0; s < sizes.length; s++) {
                    int available = 0;
                    for (int[] cell : members[s]) {
                        int up = 0;
                        for (int n : cell) {
                            if (!down[n]) {
                                up++;
                            }
                        }
                        if (up > cell.length / 2) {
                            available++;
                        }
                    }
                    double x = (double) available / cells;
                    sum[s][q] += x;
                    sumSq[s][q] += x * x;
                }
            }
        }
        List<Curve> curves = new ArrayList<>();
        for (int s = 0; s < sizes.length; s++) {
            double[] mean = new double[fractions.length];
            double[] se = new double[fractions.length];
            double[] closed = new double[fractions.length];
            for (int q = 0; q < fractions.length; q++) {
                mean[q] = sum[s][q] / trials;
                se[q] = Math.sqrt(Math.max(0, (sumSq[s][q] - trials * mean[q] * mean[q]) / (trials - 1)) / trials);
                closed[q] = available(sizes[s], fractions[q]);
            }
            curves.add(new Curve(sizes[s], mean, se, closed));
        }
        return new Result(fractions, curves);
    }

    /** P(more than half of {@code size} members up) when each is down independently with probability {@code p}. */
    public static double available(int size, double p) {
        double total = 0;
        for (int up = size / 2 + 1; up <= size; up++) {
            total += binomial(size, up) * Math.pow(1 - p, up) * Math.pow(p, size - up);
        }
        return total;
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    @Override
    public void run(SimulationOptions options, SimulationOutput output) throws IOException {
        Result r = compute(options, line -> output.progress(line, false));
        PrintStream out = output.out();
        out.println("datacenter: " + DatacenterShape.DEFAULT.describeNodes() + "; cells of 3 and more placed by the engine (policy "
                + PlacementPolicy.DEFAULT + ", the default), a cell of 1 is one node");
        out.println("failures: each node down independently with the given probability; a cell is available while more than"
                + " half its members are up");
        out.println();
        out.println("P(cell available), monte carlo (binomial closed form):");
        out.println();
        List<String> header = new ArrayList<>(List.of("failed nodes"));
        for (Curve c : r.curves()) {
            header.add("cells of " + c.size());
        }
        MarkdownTable table = new MarkdownTable(header);
        for (int q = 0; q < r.fractions().length; q++) {
            List<String> row = new ArrayList<>(List.of(MarkdownTable.percent(r.fractions()[q])));
            for (Curve c : r.curves()) {
                row.add(String.format(Locale.ROOT, "%.4f (%.4f)", c.monteCarlo()[q], c.closedForm()[q]));
            }
            table.row(row);
        }
        table.print(out);
        out.println(closedFormCheck(r));
        out.println(crossoverCheck(r));
        writePlots(output, r);
    }

    /** The largest deviation of the Monte Carlo means from the closed form, in standard errors. */
    static String closedFormCheck(Result r) {
        double worst = 0;
        String where = "";
        for (Curve c : r.curves()) {
            for (int q = 0; q < r.fractions().length; q++) {
                if (c.standardError()[q] == 0) {
                    continue;
                }
                double z = (c.monteCarlo()[q] - c.closedForm()[q]) / c.standardError()[q];
                if (Math.abs(z) > Math.abs(worst)) {
                    worst = z;
                    where = "cells of " + c.size() + " at " + MarkdownTable.percent(r.fractions()[q]);
                }
            }
        }
        return String.format(Locale.ROOT, "monte carlo vs binomial closed form: largest deviation %.1f standard errors%s",
                worst, where.isEmpty() ? "" : " (" + where + ")");
    }

    /**
     * Whether the Monte Carlo figures show the crossover: below 50% failed nodes no larger cell is
     * less available than a smaller one, above it no smaller cell is less available than a larger
     * one, beyond 3 standard errors of the difference; and where the smallest and the largest
     * size's curves cross (linear interpolation).
     */
    static String crossoverCheck(Result r) {
        List<String> wrong = new ArrayList<>();
        for (int q = 0; q < r.fractions().length; q++) {
            double f = r.fractions()[q];
            if (f == 0.5) {
                continue;
            }
            for (int i = 0; i < r.curves().size(); i++) {
                for (int j = 0; j < r.curves().size(); j++) {
                    Curve a = r.curves().get(i);
                    Curve b = r.curves().get(j);
                    if (a.size() >= b.size()) {
                        continue;
                    }
                    // b is the larger cell: below 50% it should not be worse, above 50% not better.
                    double diff = (b.monteCarlo()[q] - a.monteCarlo()[q]) * (f < 0.5 ? 1 : -1);
                    double se = Math.hypot(a.standardError()[q], b.standardError()[q]);
                    if (diff < -3 * se && diff < 0) {
                        wrong.add(a.size() + " vs " + b.size() + " at " + MarkdownTable.percent(f));
                    }
                }
            }
        }
        Curve smallest = r.curves().get(0);
        Curve largest = r.curves().get(0);
        for (Curve c : r.curves()) {
            smallest = c.size() < smallest.size() ? c : smallest;
            largest = c.size() > largest.size() ? c : largest;
        }
        double cross = crossing(r.fractions(), smallest.monteCarlo(), largest.monteCarlo());
        return "crossover: larger cells at least as available below 50% failed nodes and smaller cells above it, at every"
                + " measured fraction (within 3 standard errors): " + (wrong.isEmpty() ? "yes" : "NO (" + String.join(", ", wrong) + ")")
                + (smallest == largest ? "" : "; cells of " + smallest.size() + " and " + largest.size() + " cross at "
                        + (Double.isNaN(cross) ? "no measured fraction" : String.format(Locale.ROOT, "%.1f%%", 100 * cross))
                        + " failed nodes");
    }

    /**
     * Where curve {@code a} first rises above curve {@code b}, after being below it, by linear
     * interpolation between measured fractions; NaN if it never does.
     */
    static double crossing(double[] x, double[] a, double[] b) {
        boolean wasBelow = false;
        for (int q = 0; q < x.length; q++) {
            double d = a[q] - b[q];
            if (d < 0) {
                wasBelow = true;
            } else if (d > 0 && wasBelow) {
                double prev = a[q - 1] - b[q - 1];
                return x[q - 1] + (x[q] - x[q - 1]) * (-prev) / (d - prev);
            }
        }
        return Double.NaN;
    }

    private static void writePlots(SimulationOutput output, Result r) throws IOException {
        double[] x = new double[r.fractions().length];
        for (int q = 0; q < x.length; q++) {
            x[q] = 100 * r.fractions()[q];
        }
        SvgChart chart = new SvgChart("Figure 4: cell size vs uncorrelated node failures", "failed nodes (%)",
                "P(cell available)").yRange(0, 1);
        SvgChart log = new SvgChart("Figure 4 (log): cell unavailable, up to half the nodes failed", "failed nodes (%)",
                "P(cell unavailable)").logY();
        int half = r.fractions().length / 2;
        double[] xHalf = java.util.Arrays.copyOfRange(x, 1, half + 1);
        for (Curve c : r.curves()) {
            chart.line("cells of " + c.size(), x, c.monteCarlo());
            double[] un = new double[half];
            for (int q = 1; q <= half; q++) {
                un[q - 1] = 1 - c.monteCarlo()[q];
            }
            log.line("cells of " + c.size(), xHalf, un);
        }
        // All closed-form curves as one dashed series, broken between sizes by NaN points.
        int n = r.curves().size();
        double[] cx = new double[n * (x.length + 1)];
        double[] cy = new double[cx.length];
        double[] lx = new double[n * (half + 1)];
        double[] ly = new double[lx.length];
        for (int i = 0; i < n; i++) {
            Curve c = r.curves().get(i);
            for (int q = 0; q <= x.length; q++) {
                cx[i * (x.length + 1) + q] = q < x.length ? x[q] : x[x.length - 1];
                cy[i * (x.length + 1) + q] = q < x.length ? c.closedForm()[q] : Double.NaN;
            }
            for (int q = 0; q <= half; q++) {
                lx[i * (half + 1) + q] = q < half ? xHalf[q] : xHalf[half - 1];
                ly[i * (half + 1) + q] = q < half ? 1 - c.closedForm()[q + 1] : Double.NaN;
            }
        }
        chart.dashed("binomial closed form", cx, cy);
        log.dashed("binomial closed form", lx, ly);
        output.writeSvg("figure4.svg", chart);
        output.writeSvg("figure4-log.svg", log);
    }
}
