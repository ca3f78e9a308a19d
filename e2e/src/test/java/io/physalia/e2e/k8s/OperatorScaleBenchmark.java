package io.physalia.e2e.k8s;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.physalia.crds.Cell;
import io.physalia.crds.CellSpec;
import io.physalia.crds.ClientLocation;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A benchmark, not a test (its name keeps it out of {@code ./mvnw verify}): N Cell objects
 * (default 10,000) applied at once on the 28-pod colony of real node processes, and what it
 * takes: the time until all are Ready, the operator's heap, and the API server's request rate.
 * Run it with
 * <pre>
 *   ./mvnw -B -pl e2e verify -Dtest=OperatorScaleBenchmark -Dscale.cells=10000
 * </pre>
 * It prints progress every 10 s and the figures at the end (also in
 * {@code e2e/target/operator-scale.txt}); docs/benchmarks.md records them with the machine.
 */
@ExtendWith(ControlPlaneExtension.class)
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class OperatorScaleBenchmark {
    static final String NS = "colony-scale";

    @Test
    void tenThousandCellsAppliedAtOnce(ControlPlane plane) throws Exception {
        int n = Integer.getInteger("scale.cells", 10_000);
        // 14 nodes a color, cells of 7: each node holds half its color's cells
        int capacity = Math.max(1000, n);
        try (OperatorColony colony = OperatorColony.start(plane, NS, "scale", capacity)) {
            var client = plane.client();
            long heapIdle = heapAfterGc();
            double requestsBefore = apiRequests(plane);
            long start = System.nanoTime();
            ExecutorService creators = Executors.newFixedThreadPool(4);
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Cell c = new Cell();
                c.setMetadata(new ObjectMetaBuilder().withName("c" + i).withNamespace(NS).build());
                CellSpec spec = new CellSpec();
                ClientLocation l = new ClientLocation();
                l.setRack("r" + (1 + i % 2) + "-k" + (1 + (i / 2) % 7));
                spec.setClientLocations(new ArrayList<>(List.of(l)));
                c.setSpec(spec);
                created.add(creators.submit(() -> client.resource(c).create()));
            }
            for (Future<?> f : created) {
                f.get();
            }
            creators.shutdown();
            double appliedSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("applied %,d Cells in %.1f s%n", n, appliedSeconds);
            int ready = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
            while (ready < n && System.nanoTime() < deadline) {
                Thread.sleep(10_000);
                ready = (int) client.resources(Cell.class).inNamespace(NS).list().getItems().stream()
                        .filter(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                                .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus())))
                        .count();
                System.out.printf("%.0f s: %,d of %,d Cells Ready%n", (System.nanoTime() - start) / 1e9, ready, n);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double requests = apiRequests(plane) - requestsBefore;
            long heapLoaded = heapAfterGc();
            String report = String.format("""
                    cells: %,d (28 node pods, cells of 7, capacity %,d per node)
                    applied in: %.1f s (4 client threads)
                    all Ready after: %.1f s%s
                    API server requests: %,.0f in all, %.0f/s (every client: operator, pod runner, kwok, controllers)
                    test JVM heap after GC (operator, pod runner, test): %,d MB idle colony, %,d MB with the cells Ready
                    """, n, capacity, appliedSeconds, seconds, ready < n ? " (NOT all: " + ready + " Ready at the deadline)" : "",
                    requests, requests / seconds, heapIdle >> 20, heapLoaded >> 20);
            System.out.println(report);
            Files.writeString(Path.of("target", "operator-scale.txt"), report);
            if (ready < n) {
                throw new AssertionError("only " + ready + " of " + n + " Cells Ready within 30 minutes");
            }
        }
    }

    static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The API server's apiserver_request_total, summed over every verb, resource and code. */
    static double apiRequests(ControlPlane plane) {
        String metrics = plane.client().raw("/metrics");
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("apiserver_request_total{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
