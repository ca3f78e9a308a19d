package io.physalia.controlplane;

import io.physalia.topology.Topology;
import java.util.List;
import java.util.Random;

/**
 * Places 100,000 cells of 7 on 1,000 nodes (2 zones x 5 rows x 10 racks x 10 nodes, 4 power
 * domains per row, 4 colors, capacity 1,000 replicas) with clients at random racks, and prints
 * the time and the overlap statistic, for our placement and for the random baseline. A program,
 * not a test: it asserts nothing about time. Run (after {@code ./mvnw -pl controlplane -am test-compile}):
 *
 * <pre>
 * java -cp controlplane/target/classes:controlplane/target/test-classes:topology-labels/target/classes \
 *     io.physalia.controlplane.PlacementBenchmark [cells] [seed]
 * </pre>
 */
public final class PlacementBenchmark {
    private PlacementBenchmark() {}

    public static void main(String[] args) {
        int cells = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        for (PlacementPolicy policy : PlacementPolicy.values()) {
            run(policy, cells, seed);
        }
    }

    private static void run(PlacementPolicy policy, int cells, long seed) {
        Topology t = Fleets.regular(2, 5, 10, 10, 4);
        Fleet f = Fleets.colored(t, List.of("amber", "blue", "green", "red"), 1_000);
        ControlPlane cp = new ControlPlane(f, RateLimits.Config.defaults(), policy, new Random(seed));
        Random clients = new Random(seed + 1);
        int refused = 0;
        int outOfRow = 0;
        long start = System.nanoTime();
        for (int i = 0; i < cells; i++) {
            PlacementRequest req = PlacementRequest.of("c" + i, Fleets.randomClients(f, clients));
            PlacementResult r = cp.place(req);
            if (r instanceof PlacementResult.Placed p) {
                Fleet.Row row = f.rows().stream().filter(x -> x.path().equals(p.row())).findFirst().orElseThrow();
                int best = f.rows().stream().mapToInt(x -> x.distanceTo(req.clients())).min().orElseThrow();
                if (row.distanceTo(req.clients()) > best) {
                    outOfRow++;
                }
            } else {
                refused++;
            }
        }
        long placeMillis = (System.nanoTime() - start) / 1_000_000;
        long statsStart = System.nanoTime();
        OverlapStats s = OverlapStats.of(f);
        long statsMillis = (System.nanoTime() - statsStart) / 1_000_000;
        long violations = f.cells().stream().filter(c -> !Rules.violations(c, true).isEmpty()).count();
        System.out.printf("%s: placed %d cells (%d refused, %d not in a nearest row) on %d nodes in %d ms"
                + " (%.0f cells/s); rule violations: %d%n", policy, f.cells().size(), refused, outOfRow,
                f.nodes().size(), placeMillis, f.cells().size() * 1000.0 / Math.max(1, placeMillis), violations);
        System.out.printf("  overlap: %s (computed in %d ms)%n", s, statsMillis);
    }
}
