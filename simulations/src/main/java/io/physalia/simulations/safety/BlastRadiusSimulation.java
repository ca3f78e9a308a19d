package io.physalia.simulations.safety;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.simulations.Simulation;
import io.physalia.simulations.SimulationOptions;
import io.physalia.simulations.SimulationOutput;
import io.physalia.simulations.plot.SvgChart;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code physalia simulate blast-radius}: simulation 4 of issue 4. */
public final class BlastRadiusSimulation implements Simulation {
    static final Datacenter FULL = new Datacenter(2, 4, 12, 16, 6, 4, 200);
    static final Datacenter QUICK = new Datacenter(1, 2, 6, 8, 4, 2, 100);

    @Override
    public String name() {
        return "blast-radius";
    }

    @Override
    public String summary() {
        return "cells losing quorum when one node, rack, power domain or color fails; engine vs random placement";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>(Datacenter.parameters(FULL, QUICK));
        p.put("cells", "cells to place (default 20,000; quick 1,000)");
        p.put("size", SimulationOptions.cellSizeHelp(7));
        p.put("churn", "node failures the engine repairs, one at a time, before measuring (default 100; quick 10)");
        return p;
    }

    @Override
    public void run(SimulationOptions o, SimulationOutput output) throws IOException {
        Datacenter dc = Datacenter.from(o, o.quick() ? QUICK : FULL);
        int cells = o.intParam("cells", o.quick() ? 1_000 : 20_000, 1, 10_000_000);
        int size = o.cellSizeParam("size", 7);
        int churn = o.intParam("churn", o.quick() ? 10 : 100, 0, 100_000);
        long replicas = (long) cells * size;
        long slots = (long) dc.nodes() * dc.capacity();
        if (replicas > slots * 9 / 10) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%,d cells of %d need %,d replicas, more than 90%% of the %,d slots (--capacity %d on %,d nodes);"
                            + " raise --capacity or lower --cells", cells, size, replicas, slots, dc.capacity(), dc.nodes()));
        }
        PrintStream out = output.out();
        out.println("datacenter: " + dc.describe());
        out.printf(Locale.ROOT, "cells: %,d of %d members, clients at 1-3 racks (80%% of cells' clients in one row);"
                + " engine placement policy %s (the default)%n", cells, size, PlacementPolicy.DEFAULT);
        BlastRadius.Result r = BlastRadius.run(new BlastRadius.Config(dc, cells, size, churn, o.seed()),
                line -> output.progress(line, false));
        report(r, dc, churn, out);
        output.writeSvg("blast-radius-infrastructure.svg", infrastructureChart(r));
        output.writeSvg("blast-radius-color.svg", colorChart(r));
    }

    static void report(BlastRadius.Result r, Datacenter dc, int churn, PrintStream out) {
        out.printf(Locale.ROOT, "placed: %,d cells (%,d refused); churn: %d node failures repaired by the engine"
                + " (%,d repairs); rule violations after churn: %d%n", r.cells(), r.refused(), churn, r.churnRepairs(),
                r.ruleViolations());
        out.println("every failure of each kind tried (exhaustive); \"lost\" = cells with a majority of members in the failed"
                + " domain");
        out.printf("%-24s %9s   %-30s %-30s%n", "failure", "failures", "engine: lost max (mean)", "random in row: lost max (mean)");
        for (BlastRadius.Kind k : BlastRadius.Kind.values()) {
            BlastRadius.Exposure a = r.ours(k);
            BlastRadius.Exposure b = r.random(k);
            out.printf(Locale.ROOT, "%-24s %,9d   %-30s %-30s%n", k.label, a.failures(), cellsAndShare(a, r.cells()),
                    cellsAndShare(b, r.cells()));
        }
        out.println("bad deploy, per color (engine placement): cells of the color / losing quorum / with any member on it"
                + " / of other colors touched");
        for (BlastRadius.ColorDeploy d : r.colorDeploys()) {
            out.printf(Locale.ROOT, "  %-4s %,7d / %,7d / %,7d / %d%n", d.color(), d.cellsOfColor(), d.lost(), d.touched(),
                    d.touchedOtherColors());
        }
        BlastRadius.Exposure randomColor = r.random(BlastRadius.Kind.COLOR);
        out.printf(Locale.ROOT, "  random in row: worst color takes down %s and touches %,d cells (%.1f%%)%n",
                cellsAndShare(randomColor, r.cells()), randomColor.maxTouched(), 100.0 * randomColor.maxTouched() / r.cells());
        out.printf("engine actions while every %s node was down (10 simulated minutes): %d%n", r.badDeployColor(),
                r.actionsDuringBadDeploy());
        target(out, "one node: cells losing quorum", r.ours(BlastRadius.Kind.NODE).maxLost() == 0, "0",
                r.ours(BlastRadius.Kind.NODE).maxLost());
        target(out, "one rack: cells losing quorum", r.ours(BlastRadius.Kind.RACK).maxLost() == 0, "0",
                r.ours(BlastRadius.Kind.RACK).maxLost());
        target(out, "one power domain: cells losing quorum", r.ours(BlastRadius.Kind.POWER).maxLost() == 0, "0",
                r.ours(BlastRadius.Kind.POWER).maxLost());
        boolean onlyColor = r.colorDeploys().stream()
                .allMatch(d -> d.touchedOtherColors() == 0 && d.lost() == d.cellsOfColor() && d.touched() == d.cellsOfColor());
        target(out, "bad deploy: only that color's cells", onlyColor, "only that color's cells",
                onlyColor ? "exactly that color's cells, for every color" : "other cells affected (see table)");
    }

    private static void target(PrintStream out, String what, boolean met, String target, Object measured) {
        out.printf("target %-40s %-10s target %s, measured %s%n", what + ":", met ? "MET" : "MISSED", target, measured);
    }

    private static String cellsAndShare(BlastRadius.Exposure e, int cells) {
        return String.format(Locale.ROOT, "%,d (%.2f%%) (mean %.1f)", e.maxLost(), 100.0 * e.maxLost() / cells, e.meanLost());
    }

    private static double pct(int n, int of) {
        return of == 0 ? 0 : 100.0 * n / of;
    }

    static SvgChart infrastructureChart(BlastRadius.Result r) {
        List<BlastRadius.Kind> kinds = List.of(BlastRadius.Kind.NODE, BlastRadius.Kind.RACK, BlastRadius.Kind.POWER);
        double[] ours = new double[kinds.size()];
        double[] random = new double[kinds.size()];
        for (int i = 0; i < kinds.size(); i++) {
            ours[i] = pct(r.ours(kinds.get(i)).maxLost(), r.cells());
            random[i] = pct(r.random(kinds.get(i)).maxLost(), r.cells());
        }
        return new SvgChart("Blast radius: one failure (worst case over every failure)", "what fails",
                "% of all cells losing quorum")
                .categories(kinds.stream().map(k -> k.label).toList())
                .bars(java.util.Arrays.stream(ours).allMatch(v -> v == 0) ? "engine placement: 0 in every case"
                        : "engine placement", ours)
                .bars("random nodes in the row", random);
    }

    static SvgChart colorChart(BlastRadius.Result r) {
        BlastRadius.Exposure ours = r.ours(BlastRadius.Kind.COLOR);
        BlastRadius.Exposure random = r.random(BlastRadius.Kind.COLOR);
        return new SvgChart("Blast radius: a bad deploy takes down one color (worst color)", "",
                "% of all cells")
                .categories(List.of("cells losing quorum", "cells with a member on the color"))
                .bars("engine placement", new double[] {pct(ours.maxLost(), r.cells()), pct(ours.maxTouched(), r.cells())})
                .bars("random nodes in the row", new double[] {pct(random.maxLost(), r.cells()),
                        pct(random.maxTouched(), r.cells())})
                .yRange(0, 100);
    }
}
