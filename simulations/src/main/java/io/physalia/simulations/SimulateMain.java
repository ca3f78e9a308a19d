package io.physalia.simulations;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code physalia simulate}: lists the simulations, or runs one with validated flags. Returns an
 * exit code: 0 after a run, 2 for a usage error (with a message that names the problem).
 */
public final class SimulateMain {
    static final String COMMON = """
              --seed N       the seed that picks every random choice (default 1)
              --out DIR      where plots are written (default simulation-output)
              --quick        a smaller run of the same experiment (for CI; not the documented figures)
            """;

    private SimulateMain() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        List<Simulation> all = Simulations.all();
        if (args.length == 0 || args[0].equals("list") || args[0].equals("--help") || args[0].equals("-h")) {
            out.println("usage: physalia simulate NAME [--seed N] [--out DIR] [--quick] [--param value ...]");
            out.println("simulations:");
            for (Simulation s : all) {
                out.printf("  %-16s %s%n", s.name(), s.summary());
            }
            return 0;
        }
        Optional<Simulation> found = all.stream().filter(s -> s.name().equals(args[0])).findFirst();
        if (found.isEmpty()) {
            err.println("physalia simulate: unknown simulation '" + args[0] + "' (physalia simulate list shows them)");
            return 2;
        }
        Simulation sim = found.get();
        if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
            out.println("usage: physalia simulate " + sim.name() + " [flags]");
            out.println(sim.summary());
            out.print(COMMON);
            sim.parameters().forEach((k, v) -> out.printf("  --%-12s %s%n", k, v));
            return 0;
        }
        SimulationOptions options;
        try {
            options = parse(sim, args);
        } catch (IllegalArgumentException e) {
            err.println("physalia simulate " + sim.name() + ": " + e.getMessage());
            return 2;
        }
        SimulationOutput output = new SimulationOutput(out, err, options.outDir());
        out.println("simulation: " + sim.name() + "  seed: " + options.seed() + (options.quick() ? "  (quick)" : ""));
        try {
            sim.run(options, output);
        } catch (IllegalArgumentException e) {
            // Parameters that only make sense together are checked by the simulation itself.
            err.println("physalia simulate " + sim.name() + ": " + e.getMessage());
            return 2;
        }
        return 0;
    }

    static SimulationOptions parse(Simulation sim, String[] args) {
        long seed = 1;
        Path outDir = Path.of("simulation-output");
        boolean quick = false;
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("expected a --flag, got '" + a + "'");
            }
            String name = a.substring(2);
            if (name.equals("quick")) {
                quick = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "seed" -> {
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed must be an integer, got '" + value + "'");
                    }
                }
                case "out" -> outDir = Path.of(value);
                default -> {
                    if (!sim.parameters().containsKey(name)) {
                        throw new IllegalArgumentException("unknown flag --" + name + " (known: --seed, --out, --quick"
                                + (sim.parameters().isEmpty() ? "" : ", --" + String.join(", --", sim.parameters().keySet()))
                                + ")");
                    }
                    if (params.put(name, value) != null) {
                        throw new IllegalArgumentException("--" + name + " given twice");
                    }
                }
            }
        }
        return new SimulationOptions(seed, outDir, quick, params);
    }
}
