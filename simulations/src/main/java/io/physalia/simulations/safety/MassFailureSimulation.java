package io.physalia.simulations.safety;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.RateLimits;
import io.physalia.simulations.Simulation;
import io.physalia.simulations.SimulationOptions;
import io.physalia.simulations.SimulationOutput;
import io.physalia.simulations.plot.SvgChart;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code physalia simulate mass-failure}: simulation 6 of issue 4. */
public final class MassFailureSimulation implements Simulation {
    static final Datacenter FULL = new Datacenter(2, 3, 10, 16, 5, 4, 200);
    static final Datacenter QUICK = new Datacenter(1, 2, 6, 8, 4, 2, 200);

    @Override
    public String name() {
        return "mass-failure";
    }

    @Override
    public String summary() {
        return "30% (or --fail-fraction) of nodes fail at once: control-plane actions per minute against the rate limits";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>(Datacenter.parameters(FULL, QUICK));
        p.put("cells", "cells placed before the failure (default 10,000; quick 1,000)");
        p.put("size", SimulationOptions.cellSizeHelp(7));
        p.put("fail-fraction", "fraction of nodes that fail at t = 0 (default 0.3)");
        p.put("catch-up-seconds", "seconds from an action to its new member catching up (default 5)");
        p.put("tick-ms", "simulated milliseconds between engine ticks (default 1000)");
        p.put("global-burst", "global rate limit: burst (default 10, the engine's default)");
        p.put("global-per-minute", "global rate limit: actions per minute after the burst (default 60)");
        p.put("color-burst", "per-color rate limit: burst (default 4)");
        p.put("color-per-minute", "per-color rate limit: actions per minute after the burst (default 20)");
        p.put("minutes", "simulated minutes at most (default 1440; quick 240)");
        p.put("pause-at-minute", "press the big red button this many minutes after the failure (default: never)");
        p.put("pause-minutes", "how long the button stays pressed (default 20)");
        return p;
    }

    @Override
    public void run(SimulationOptions o, SimulationOutput output) throws IOException {
        MassFailure.Config config = config(o);
        Datacenter dc = config.datacenter();
        RateLimits.Config l = config.limits();
        PrintStream out = output.out();
        out.println("datacenter: " + dc.describe());
        out.printf(Locale.ROOT, "cells: %,d of %d members, placed and repaired with the engine's default policy (%s); rate limits: global burst %d then %.0f/min, per color burst %d"
                + " then %.0f/min; new members catch up %d s after the action; a tick every %d ms%n", config.cells(),
                config.size(), PlacementPolicy.DEFAULT, l.globalBurst(), 60_000.0 / l.globalRefillMillis(), l.colorBurst(),
                60_000.0 / l.colorRefillMillis(), config.catchUpMillis() / 1000, config.tickMillis());
        MassFailure.Result r = MassFailure.run(config, line -> output.progress(line, false));
        report(r, out, config.pauseAtMinute(), config.pauseMinutes());
        String file = String.format(Locale.ROOT, "mass-failure-%d%s.svg", Math.round(config.failFraction() * 100),
                config.pauseAtMinute() >= 0 ? "-paused" : "");
        output.writeSvg(file, chart(r, config));
    }

    static MassFailure.Config config(SimulationOptions o) {
        Datacenter dc = Datacenter.from(o, o.quick() ? QUICK : FULL);
        int cells = o.intParam("cells", o.quick() ? 1_000 : 10_000, 1, 10_000_000);
        int size = o.cellSizeParam("size", 7);
        double fraction = o.doubleParam("fail-fraction", 0.3, 0.0, 1.0);
        int catchUp = o.intParam("catch-up-seconds", 5, 0, 3_600);
        int tick = o.intParam("tick-ms", 1_000, 10, 600_000);
        int globalBurst = o.intParam("global-burst", 10, 1, 1_000_000);
        int globalPerMinute = o.intParam("global-per-minute", 60, 1, 60_000);
        int colorBurst = o.intParam("color-burst", 4, 1, 1_000_000);
        int colorPerMinute = o.intParam("color-per-minute", 20, 1, 60_000);
        if (60_000 % globalPerMinute != 0 || 60_000 % colorPerMinute != 0) {
            throw new IllegalArgumentException("--global-per-minute and --color-per-minute must divide 60,000"
                    + " (the buckets refill a whole number of milliseconds apart); got " + globalPerMinute + " and "
                    + colorPerMinute);
        }
        int minutes = o.intParam("minutes", o.quick() ? 240 : 1_440, 1, 100_000);
        int pauseAt = o.intParam("pause-at-minute", -1, 0, 100_000);
        int pauseMinutes = o.intParam("pause-minutes", 20, 1, 100_000);
        if (o.params().containsKey("pause-minutes") && pauseAt < 0) {
            throw new IllegalArgumentException("--pause-minutes needs --pause-at-minute");
        }
        long replicas = (long) cells * size;
        long slots = (long) dc.nodes() * dc.capacity();
        if (replicas > slots / 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%,d cells of %d need %,d replicas, more than half of the %,d slots; the survivors of a mass failure"
                            + " need room: raise --capacity or lower --cells", cells, size, replicas, slots));
        }
        RateLimits.Config limits = new RateLimits.Config(globalBurst, 60_000 / globalPerMinute, colorBurst,
                60_000 / colorPerMinute);
        return new MassFailure.Config(dc, cells, size, fraction, tick, catchUp * 1_000L, limits, minutes, pauseAt,
                pauseMinutes, o.seed());
    }

    static void report(MassFailure.Result r, PrintStream out, int pauseAtMinute, int pauseMinutes) {
        out.printf(Locale.ROOT, "t = 0: %,d of %,d nodes fail at once (%.0f%%); %,d of %,d cells have a failed member;"
                + " %,d of them have a majority down%n", r.nodesFailed(), r.nodes(), 100.0 * r.nodesFailed() / r.nodes(),
                r.cellsToRepair(), r.cells(), r.cellsMajorityDown());
        out.printf(Locale.ROOT, "actions: %,d repairs (%,d to another row, %,d of them farther from the clients), %,d moves"
                + " closer to clients%n", r.repairs(), r.crossRowRepairs(), r.crossRowFarther(), r.moves());
        limit(out, r.global());
        for (MassFailure.LimitCheck c : r.colors()) {
            limit(out, c);
        }
        out.printf("second actions for a cell with one in flight: %d; actions that broke a placement rule: %d%n",
                r.secondActions(), r.ruleViolations());
        if (pauseAtMinute >= 0) {
            out.printf("big red button pressed at minute %d for %d minutes: %d actions issued meanwhile; %d actions"
                    + " already in flight caught up meanwhile%n", pauseAtMinute, pauseMinutes, r.actionsWhilePaused(),
                    r.caughtUpWhilePaused());
        }
        if (r.finished()) {
            out.printf(Locale.ROOT, "every repairable cell repaired after %.1f min (last action caught up)%n",
                    r.repairedAtMillis() / 60_000.0);
        } else {
            out.printf("NOT finished within %d simulated minutes (raise --minutes)%n", r.minutesSimulated());
        }
        int left = r.unrepaired().values().stream().mapToInt(Integer::intValue).sum();
        out.printf(Locale.ROOT, "not repaired: %,d cells%n", left);
        r.unrepaired().forEach((reason, n) -> out.printf(Locale.ROOT, "  %,d: %s%n    e.g. %s%n", n, reason,
                r.examples().get(reason)));
        target(out, "rate limits hold at all times", r.limitsHeld(), "global and every color within burst + rate",
                r.limitsHeld() ? "held over every window" : "exceeded (see above)");
        target(out, "at most one control-plane action per cell", r.secondActions() == 0, "0 second actions",
                r.secondActions());
        if (pauseAtMinute >= 0) {
            target(out, "no action while paused", r.actionsWhilePaused() == 0, "0", r.actionsWhilePaused());
        }
    }

    private static void limit(PrintStream out, MassFailure.LimitCheck c) {
        out.printf(Locale.ROOT, "rate limit %-7s %,6d actions; peak %3d/min (allowed: burst %d + %.0f/min); %s%n",
                c.bucket() + ":", c.actions(), c.peakPerMinute(), c.burst(), c.sustainedPerMinute(),
                c.held() ? "held over every window" : "EXCEEDED by " + c.worstExcess() + " actions in some window");
    }

    private static void target(PrintStream out, String what, boolean met, String target, Object measured) {
        out.printf("target %-45s %-7s target %s, measured %s%n", what + ":", met ? "MET" : "MISSED", target, measured);
    }

    static SvgChart chart(MassFailure.Result r, MassFailure.Config config) {
        int minutes = r.minutesSimulated();
        double[] x = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            x[i] = i;
        }
        String what = config.pauseAtMinute() < 0 ? "control-plane actions" : String.format(Locale.ROOT,
                "paused in minutes %d-%d", config.pauseAtMinute(), config.pauseAtMinute() + config.pauseMinutes());
        SvgChart chart = new SvgChart(String.format(Locale.ROOT, "%.0f%% of %,d nodes fail at t = 0: %s",
                100.0 * r.nodesFailed() / r.nodes(), r.nodes(), what), "minutes after the failure", "actions per minute");
        chart.line("all colors", x, series(r.perMinute(), minutes));
        // The busiest color in each minute, against the per-color limit (one line per color is unreadable).
        double[] busiest = new double[minutes];
        for (int[] counts : r.perMinuteByColor().values()) {
            for (int i = 0; i < minutes; i++) {
                busiest[i] = Math.max(busiest[i], counts[i]);
            }
        }
        chart.line("busiest color", x, busiest);
        double[] edges = {0, minutes - 1};
        chart.dashed(String.format(Locale.ROOT, "global limit %.0f/min", r.global().sustainedPerMinute()), edges,
                new double[] {r.global().sustainedPerMinute(), r.global().sustainedPerMinute()});
        double perColor = 60_000.0 / config.limits().colorRefillMillis();
        chart.dashed(String.format(Locale.ROOT, "per-color limit %.0f/min", perColor), edges, new double[] {perColor, perColor});
        int peak = Math.max(r.global().peakPerMinute(), (int) Math.ceil(r.global().sustainedPerMinute()));
        return chart.yRange(0, Math.ceil(peak * 1.25 / 10) * 10);
    }

    private static double[] series(int[] counts, int minutes) {
        double[] y = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            y[i] = counts[i];
        }
        return y;
    }
}
