package io.physalia.simulations.availability;

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

/**
 * {@code physalia simulate load}: the paper's Figure 12. The share of volumes that must call
 * their configuration store (client reaches the primary or the replica, primary and replica cut
 * apart) as the fraction of failed aggs grows, by Monte Carlo and exactly, for one uplink per
 * rack (the paper's model) and with redundant uplinks; where the load peaks.
 */
public final class LoadSimulation implements Simulation {
    /** The paper's peak (section 5.2.1). */
    static final double PAPER_PEAK = 0.29;

    @Override
    public String name() {
        return "load";
    }

    @Override
    public String summary() {
        return "paper Figure 12: share of volumes that must call the store vs agg failure rate, and where it peaks";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>(DatacenterShape.parameters(DatacenterShape.DEFAULT));
        p.put("uplinks", "uplink counts to compare, comma-separated; 1 is the paper's no-redundancy model (default 1,2)");
        p.put("volumes", "volumes (default 4000; quick 400)");
        p.put("trials", "Monte Carlo agg failure sets per failure fraction (default 200; quick 20)");
        return p;
    }

    /** The results for one uplink count: per fraction, the Monte Carlo mean, its standard error, and the exact value. */
    public record Curve(int uplinks, double[] fractions, double[] monteCarlo, double[] standardError, double[] exact,
            double peakFraction, double peakLoad) {}

    public record Result(DatacenterShape shape, List<Curve> curves) {}

    static double[] fractions(boolean quick) {
        int steps = quick ? 20 : 40;
        double[] f = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            f[i] = (double) i / steps;
        }
        return f;
    }

    public static Result compute(SimulationOptions o, java.util.function.Consumer<String> progress) {
        int[] uplinks = o.intListParam("uplinks", new int[] {1, 2}, 1, 16);
        Map<String, String> rest = new LinkedHashMap<>(o.params());
        rest.remove("uplinks");
        DatacenterShape base = DatacenterShape.from(new SimulationOptions(o.seed(), o.outDir(), o.quick(), rest),
                DatacenterShape.DEFAULT);
        int volumes = o.intParam("volumes", o.quick() ? 400 : 4000, 10, 1_000_000);
        int trials = o.intParam("trials", o.quick() ? 20 : 200, 2, 1_000_000);
        double[] fractions = fractions(o.quick());
        SplittableRandom root = new SplittableRandom(o.seed());
        // Every uplink count is checked (and its volumes placed) before any is simulated.
        List<Datacenter> datacenters = new ArrayList<>();
        List<List<Volume>> volumeSets = new ArrayList<>();
        for (int u : uplinks) {
            Datacenter dc = new Datacenter(new DatacenterShape(base.zones(), base.rowsPerZone(), base.racksPerRow(),
                    base.nodesPerRack(), base.powerPerRow(), base.aggsPerRow(), u, base.colors(), base.capacityReplicas()));
            datacenters.add(dc);
            volumeSets.add(Volumes.sample(dc, volumes, root.split()));
        }
        List<Curve> curves = new ArrayList<>();
        for (int i = 0; i < datacenters.size(); i++) {
            curves.add(curve(datacenters.get(i), volumeSets.get(i), fractions, trials, root.split(), progress));
        }
        return new Result(base, curves);
    }

    private static Curve curve(Datacenter dc, List<Volume> vs, double[] fractions, int trials, SplittableRandom failures,
            java.util.function.Consumer<String> progress) {
        int u = dc.shape().uplinksPerRack();
        double[] mc = new double[fractions.length];
        double[] se = new double[fractions.length];
        boolean[] aggDown = new boolean[dc.aggs().aggCount()];
        boolean[] rackUp = new boolean[dc.rackCount()];
        for (int q = 0; q < fractions.length; q++) {
            progress.accept(String.format(Locale.ROOT, "%d uplink(s): failure fraction %.3f (%d of %d), %d trials", u,
                    fractions[q], q + 1, fractions.length, trials));
            double sum = 0;
            double sumSq = 0;
            for (int t = 0; t < trials; t++) {
                dc.aggs().sampleFailures(fractions[q], failures, aggDown);
                dc.aggs().racksUp(aggDown, rackUp);
                int needs = 0;
                for (Volume v : vs) {
                    if (Outcome.needsStore(v, rackUp)) {
                        needs++;
                    }
                }
                double x = (double) needs / vs.size();
                sum += x;
                sumSq += x * x;
            }
            mc[q] = sum / trials;
            se[q] = Math.sqrt(Math.max(0, (sumSq - trials * mc[q] * mc[q]) / (trials - 1)) / trials);
        }
        double[] exact = exact(dc, vs, fractions);
        // The peak of the exact curve, on a 0.1% grid.
        double[] fine = new double[1001];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = i / 1000.0;
        }
        double[] fineExact = exact(dc, vs, fine);
        int peak = 0;
        for (int i = 1; i < fine.length; i++) {
            if (fineExact[i] > fineExact[peak]) {
                peak = i;
            }
        }
        return new Curve(u, fractions, mc, se, exact, fine[peak], fineExact[peak]);
    }

    static double[] exact(Datacenter dc, List<Volume> vs, double[] fractions) {
        double[] sums = new double[fractions.length];
        for (Volume v : vs) {
            ExactLoad.add(v, dc.aggs(), fractions, sums);
        }
        for (int q = 0; q < sums.length; q++) {
            sums[q] /= vs.size();
        }
        return sums;
    }

    /** The paper's closed form for three independent points: 2f(1-f)^2, peaking at f = 1/3 with 8/27. */
    static double independent(double f) {
        return 2 * f * (1 - f) * (1 - f);
    }

    @Override
    public void run(SimulationOptions options, SimulationOutput output) throws IOException {
        Result result = compute(options, line -> output.progress(line, false));
        PrintStream out = output.out();
        out.println("datacenter: " + result.shape().describeNodes() + "; " + result.shape().describeAggs()
                + "; uplinks per rack as below");
        out.println("volumes: client, primary and replica on three racks of one row, behind different aggs (or agg sets)");
        out.println("a volume must call its store when its client reaches the primary or the replica but those two cannot reach each other");
        out.println();
        List<String> header = new ArrayList<>(List.of("failed aggs"));
        for (Curve c : result.curves()) {
            header.add(c.uplinks() + " uplink(s): monte carlo");
            header.add(c.uplinks() + " uplink(s): exact");
        }
        header.add("2f(1-f)^2");
        MarkdownTable table = new MarkdownTable(header);
        double[] f = result.curves().get(0).fractions();
        for (int q = 0; q < f.length; q++) {
            List<String> row = new ArrayList<>(List.of(MarkdownTable.percent(f[q])));
            for (Curve c : result.curves()) {
                row.add(String.format(Locale.ROOT, "%.4f", c.monteCarlo()[q]));
                row.add(String.format(Locale.ROOT, "%.4f", c.exact()[q]));
            }
            row.add(String.format(Locale.ROOT, "%.4f", independent(f[q])));
            table.row(row);
        }
        table.print(out);
        for (Curve c : result.curves()) {
            int mcPeak = 0;
            double worstZ = 0;
            for (int q = 0; q < f.length; q++) {
                if (c.monteCarlo()[q] > c.monteCarlo()[mcPeak]) {
                    mcPeak = q;
                }
                if (c.standardError()[q] > 0) {
                    double z = (c.monteCarlo()[q] - c.exact()[q]) / c.standardError()[q];
                    worstZ = Math.abs(z) > Math.abs(worstZ) ? z : worstZ;
                }
            }
            boolean interior = c.peakFraction() > 0 && c.peakFraction() < 1;
            out.printf(Locale.ROOT, "%d uplink(s): load peaks at %.1f%% of volumes with %.1f%% of aggs failed (exact);"
                    + " monte carlo peak %.1f%% at %s; monte carlo vs exact: largest deviation %.1f standard errors;"
                    + " interior peak: %s%n", c.uplinks(), 100 * c.peakLoad(), 100 * c.peakFraction(),
                    100 * c.monteCarlo()[mcPeak], MarkdownTable.percent(f[mcPeak]), worstZ, interior ? "yes" : "NO");
            if (c.uplinks() == 1) {
                out.printf(Locale.ROOT, "paper (one uplink): peak 29%%; measured %.1f%%: %s%n", 100 * c.peakLoad(),
                        Math.abs(c.peakLoad() - PAPER_PEAK) <= 0.02 ? "MATCHES (within 2 points)" : "DIFFERS");
            }
        }
        SvgChart chart = new SvgChart("Figure 12: volumes that must call the store", "failed aggs (%)",
                "share of volumes").yRange(0, 0.5);
        double[] x = new double[f.length];
        for (int q = 0; q < f.length; q++) {
            x[q] = 100 * f[q];
        }
        for (Curve c : result.curves()) {
            chart.line(c.uplinks() + " uplink(s) per rack", x, c.monteCarlo());
        }
        double[] closed = new double[f.length];
        for (int q = 0; q < f.length; q++) {
            closed[q] = independent(f[q]);
        }
        chart.dashed("2f(1-f)^2", x, closed);
        output.writeSvg("figure12.svg", chart);
    }
}
