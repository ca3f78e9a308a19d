package io.physalia.benchmarks.physalia;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.WindowSampler;
import io.physalia.node.local.LocalColony;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The CPU an idle colony costs: {@code --colony-nodes} nodes started as {@code physalia local}
 * starts them (its JVM flags), {@code --colony-cells} cells of {@code --nodes} members spread
 * over them, then nothing: every node process's CPU over the idle window, summed. With no
 * client traffic, what is left is each node's own timers and the liveness pings between nodes.
 */
public final class PhysaliaColonyIdle {
    private PhysaliaColonyIdle() {}

    /** The colony's CPU over the idle window, in cores. */
    public record Result(int nodes, int cells, double cores) {}

    public static Result run(Path work, BenchOptions o, Consumer<String> progress) throws Exception {
        int n = o.colonyNodes();
        int members = Math.min(o.nodes(), n);
        try (PhysaliaColony colony = new PhysaliaColony(work, n, LocalColony.NODE_JVM_FLAGS, o.nodeFlags())) {
            colony.startAll(progress);
            List<String> names = colony.names();
            colony.createCells("idle-colony-", o.colonyCells(), 16, i -> {
                List<String> m = new ArrayList<>();
                for (int k = 0; k < members; k++) {
                    m.add(names.get((i + k) % n));
                }
                return m;
            }, progress);
            Thread.sleep(10_000); // the cells' first elections and discovery pushes are over
            long[] pids = new long[n];
            for (int i = 0; i < n; i++) {
                pids[i] = colony.process(i).pid();
            }
            double cpu0 = WindowSampler.cpuSeconds(pids);
            long t0 = System.nanoTime();
            progress.accept(String.format("  %d nodes and %,d cells idle for %d s", n, o.colonyCells(), o.idleSeconds()));
            Thread.sleep(o.idleSeconds() * 1000L);
            double cpu1 = WindowSampler.cpuSeconds(pids);
            double wall = (System.nanoTime() - t0) / 1e9;
            Result r = new Result(n, o.colonyCells(), (cpu1 - cpu0) / wall);
            progress.accept(String.format(Locale.ROOT, "  the idle colony used %.3f cores", r.cores()));
            return r;
        }
    }
}
