package io.physalia.simulations.safety;

import io.physalia.controlplane.Cell;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.OverlapStats;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.RateLimits;
import io.physalia.controlplane.Rules;
import io.physalia.topology.Location;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Simulation 5, the computation: places {@code cells} cells one by one with the real engine on a
 * large datacenter and measures the time, the heap, and the placement rate as the colony fills.
 *
 * <p>Heap: the peak is read from the JVM's heap memory pools (their peak usage is reset just
 * before the fleet is built; the sum of the pools' peaks is an upper bound, since the pools may
 * peak at different moments); the live size of the colony model is the heap used after a full
 * collection once every cell is placed. Run under {@code -Xmx4g} to prove the 4 GB budget.
 */
public final class Scale {
    /**
     * @param windows how many equal slices of the cells the rate is measured over
     * @param policy the engine's placement policy
     */
    public record Config(Datacenter datacenter, int cells, int size, int windows, boolean overlap, long seed,
            PlacementPolicy policy) {
        /** With the engine's default policy. */
        public Config(Datacenter datacenter, int cells, int size, int windows, boolean overlap, long seed) {
            this(datacenter, cells, size, windows, overlap, seed, PlacementPolicy.DEFAULT);
        }
    }

    /** One slice of the run: cells placed by its end, and the rate within it, by the wall clock and per CPU second. */
    public record Window(long placedAtEnd, double seconds, double cellsPerSecond, double cellsPerCpuSecond, long heapUsedBytes) {}

    /**
     * @param notNearest cells placed in a row farther from their clients than the nearest row with room
     *     at the time (counted after the run against the nearest row overall, so an upper bound)
     * @param peakHeapBytes sum of the heap pools' peak usage since just before the fleet was built
     * @param liveHeapBytes heap used after a full collection with every cell placed
     * @param gcMillis time the collectors reported while placing
     */
    public record Result(int nodes, int cells, int refused, int notNearest, int ruleViolations, long buildMillis,
            long placeMillis, long placeCpuMillis, long gcMillis, long peakHeapBytes, long liveHeapBytes, long maxHeapBytes,
            long baselineHeapBytes, List<Window> windows, OverlapStats overlap, long overlapMillis) {

        public double cellsPerSecond() {
            return cells * 1000.0 / Math.max(1, placeMillis);
        }
    }

    private Scale() {}

    public static Result run(Config config, Consumer<String> progress) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.gc();
        long baseline = heapUsed();
        resetPeaks();
        long gcBefore = gcMillis();

        long t0 = System.nanoTime();
        Datacenter dc = config.datacenter();
        Fleet fleet = dc.fleet();
        ControlPlane cp = new ControlPlane(fleet, RateLimits.Config.defaults(), config.policy(),
                new SplittableRandom(config.seed()));
        long buildMillis = (System.nanoTime() - t0) / 1_000_000;

        SplittableRandom rnd = new SplittableRandom(config.seed() + 1);
        Clients clientSampler = new Clients(dc);
        int refused = 0;
        List<Window> windows = new ArrayList<>();
        int perWindow = Math.max(1, config.cells() / config.windows());
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long windowStart = start;
        long windowCpu = cpuStart;
        int windowFirst = 0;
        for (int i = 0; i < config.cells(); i++) {
            List<Location> clients = clientSampler.next(rnd);
            PlacementResult r = cp.place(new PlacementRequest("c" + i, clients, java.util.Optional.empty(), config.size()));
            if (!(r instanceof PlacementResult.Placed)) {
                refused++;
            }
            int placed = i + 1;
            if (placed - windowFirst == perWindow || placed == config.cells()) {
                long now = System.nanoTime();
                long cpu = threads.getCurrentThreadCpuTime();
                double seconds = (now - windowStart) / 1e9;
                int n = placed - windowFirst;
                windows.add(new Window(placed, seconds, n / Math.max(seconds, 1e-9),
                        n / Math.max((cpu - windowCpu) / 1e9, 1e-9), heapUsed()));
                windowStart = now;
                windowCpu = cpu;
                windowFirst = placed;
            }
            if ((i & 1023) == 0) {
                double elapsed = (System.nanoTime() - start) / 1e9;
                progress.accept(String.format("placed %,d of %,d cells in %.1f s (%,.0f cells/s), heap %,d MB", i,
                        config.cells(), elapsed, i / Math.max(elapsed, 1e-9), heapUsed() >> 20));
            }
        }
        long placeMillis = (System.nanoTime() - start) / 1_000_000;
        long placeCpuMillis = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        long gc = gcMillis() - gcBefore;
        long peak = peakHeapUsed();
        progress.accept("placed every cell; collecting garbage to measure the live heap");
        System.gc();
        long live = heapUsed();

        progress.accept("checking every cell against the rules");
        int violations = 0;
        int notNearest = 0;
        for (Cell c : fleet.cells()) {
            if (!Rules.violations(c, true).isEmpty()) {
                violations++;
            }
            int best = Integer.MAX_VALUE;
            for (Fleet.Row row : fleet.rows()) {
                best = Math.min(best, row.distanceTo(c.clients()));
            }
            var m = c.members().get(0).topology();
            int placedAt = 0;
            for (Location client : c.clients()) {
                placedAt += !client.zone().equals(m.zone()) ? 2 : client.row().equals(m.row()) ? 0 : 1;
            }
            if (placedAt > best) {
                notNearest++;
            }
        }
        OverlapStats overlap = null;
        long overlapMillis = 0;
        if (config.overlap()) {
            progress.accept("computing the pairwise overlap of " + fleet.cells().size() + " cells");
            long o0 = System.nanoTime();
            overlap = OverlapStats.of(fleet);
            overlapMillis = (System.nanoTime() - o0) / 1_000_000;
        }
        return new Result(fleet.nodes().size(), fleet.cells().size(), refused, notNearest, violations, buildMillis,
                placeMillis, placeCpuMillis, gc, peak, live, Runtime.getRuntime().maxMemory(), baseline, windows, overlap,
                overlapMillis);
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    private static long peakHeapUsed() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }
}
