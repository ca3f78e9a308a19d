package io.physalia.simulations.safety;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.simulations.Simulation;
import io.physalia.simulations.SimulationOptions;
import io.physalia.simulations.SimulationOutput;
import io.physalia.simulations.plot.SvgChart;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code physalia simulate scale}: simulation 5 of issue 4. */
public final class ScaleSimulation implements Simulation {
    static final Datacenter FULL = new Datacenter(4, 5, 25, 20, 10, 4, 1_000);
    static final Datacenter QUICK = new Datacenter(1, 4, 10, 10, 5, 2, 1_000);
    static final long TARGET_MILLIS = 60_000;
    static final long TARGET_HEAP = 4L << 30;

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public String summary() {
        return "place 1,000,000 cells on 10,000 nodes with the engine: time, heap and placement rate as the colony fills";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>(Datacenter.parameters(FULL, QUICK));
        p.put("cells", "cells to place (default 1,000,000; quick 20,000)");
        p.put("size", SimulationOptions.cellSizeHelp(7));
        p.put("windows", "slices of the run the placement rate is measured over (default 20)");
        p.put("overlap", "1 to compute the pairwise-overlap statistic after the run, 0 to skip (default 1)");
        p.put("policy", "the engine's placement policy: NEAR_CLIENTS, LEAST_OVERLAP or RANDOM (default "
                + PlacementPolicy.DEFAULT + ", the engine's default)");
        return p;
    }

    @Override
    public void run(SimulationOptions o, SimulationOutput output) throws IOException {
        Datacenter dc = Datacenter.from(o, o.quick() ? QUICK : FULL);
        int cells = o.intParam("cells", o.quick() ? 20_000 : 1_000_000, 1, 100_000_000);
        int size = o.cellSizeParam("size", 7);
        int windows = o.intParam("windows", 20, 1, 1_000);
        if (windows > cells) {
            throw new IllegalArgumentException("--windows (" + windows + ") cannot exceed --cells (" + cells + ")");
        }
        boolean overlap = o.intParam("overlap", 1, 0, 1) == 1;
        PlacementPolicy policy = o.policyParam("policy");
        long replicas = (long) cells * size;
        long slots = (long) dc.nodes() * dc.capacity();
        if (replicas > slots * 9 / 10) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%,d cells of %d need %,d replicas, more than 90%% of the %,d slots; raise --capacity or lower --cells",
                    cells, size, replicas, slots));
        }
        PrintStream out = output.out();
        out.println("datacenter: " + dc.describe());
        out.printf(Locale.ROOT, "cells: %,d of %d members (%,d replicas, %.0f%% of the slots), engine placement policy %s"
                + "%s; JVM max heap %,d MB; %d processors%n", cells, size, replicas, 100.0 * replicas / slots,
                policy, policy == PlacementPolicy.DEFAULT ? " (the default)" : " (not the default, " + PlacementPolicy.DEFAULT + ")",
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        Scale.Result r = Scale.run(new Scale.Config(dc, cells, size, windows, overlap, o.seed(), policy),
                line -> output.progress(line, false));
        report(r, out);
        output.writeSvg("scale-rate.svg", chart(r));
    }

    static void report(Scale.Result r, PrintStream out) {
        out.printf(Locale.ROOT, "placed %,d cells (%,d refused) on %,d nodes in %.1f s (%,.0f cells/s); engine CPU time"
                + " %.1f s; garbage collection %.1f s; fleet built in %.1f s%n", r.cells(), r.refused(), r.nodes(),
                r.placeMillis() / 1000.0, r.cellsPerSecond(), r.placeCpuMillis() / 1000.0, r.gcMillis() / 1000.0,
                r.buildMillis() / 1000.0);
        out.printf(Locale.ROOT, "heap: peak %,d MB (sum of the heap pools' peaks, an upper bound); live after a full"
                + " collection %,d MB (%,d MB before the fleet was built); JVM max heap %,d MB%n", r.peakHeapBytes() >> 20,
                r.liveHeapBytes() >> 20, r.baselineHeapBytes() >> 20, r.maxHeapBytes() >> 20);
        out.println("placement rate as the colony fills:");
        out.printf("  %12s %10s %14s %18s %12s%n", "cells placed", "seconds", "cells/s", "cells per CPU s", "heap MB");
        for (Scale.Window w : r.windows()) {
            out.printf(Locale.ROOT, "  %,12d %10.2f %,14.0f %,18.0f %,12d%n", w.placedAtEnd(), w.seconds(), w.cellsPerSecond(),
                    w.cellsPerCpuSecond(), w.heapUsedBytes() >> 20);
        }
        out.printf(Locale.ROOT, "rules: %,d cells break a placement rule; %,d not in their clients' nearest row%n",
                r.ruleViolations(), r.notNearest());
        if (r.overlap() != null) {
            out.printf(Locale.ROOT, "overlap (computed in %.1f s): %s%n", r.overlapMillis() / 1000.0, r.overlap());
        }
        boolean time = r.placeMillis() <= TARGET_MILLIS;
        boolean heap = r.peakHeapBytes() <= TARGET_HEAP;
        out.printf(Locale.ROOT, "target %-32s %-7s target <= 60 s, measured %.1f s (wall clock; shared machine)%n",
                "time to place every cell:", time ? "MET" : "MISSED", r.placeMillis() / 1000.0);
        out.printf(Locale.ROOT, "target %-32s %-7s target <= 4 GB, measured peak %,d MB with a JVM max heap of %,d MB%s%n",
                "heap:", heap ? "MET" : "MISSED", r.peakHeapBytes() >> 20, r.maxHeapBytes() >> 20,
                r.maxHeapBytes() > TARGET_HEAP ? " (run with JAVA_TOOL_OPTIONS=-Xmx4g to prove the budget)" : "");
    }

    static SvgChart chart(Scale.Result r) {
        int n = r.windows().size();
        double[] x = new double[n];
        double[] wall = new double[n];
        double[] cpu = new double[n];
        for (int i = 0; i < n; i++) {
            Scale.Window w = r.windows().get(i);
            x[i] = w.placedAtEnd() / 1000.0;
            wall[i] = w.cellsPerSecond();
            cpu[i] = w.cellsPerCpuSecond();
        }
        double target = r.cells() / (TARGET_MILLIS / 1000.0);
        return new SvgChart(String.format(Locale.ROOT, "Placing %,d cells on %,d nodes", r.cells(), r.nodes()),
                "cells placed (thousands)", "cells placed per second")
                .line("by the wall clock", x, wall)
                .line("per CPU second", x, cpu)
                .dashed(String.format(Locale.ROOT, "rate for %,d in 60 s", r.cells()), new double[] {0, x[n - 1]},
                        new double[] {target, target});
    }
}
