package io.physalia.simworld.explore;

/**
 * Deeper explorations by hand (the build's ExplorerTest runs small bounds):
 * <pre>
 * ./mvnw -pl simworld -am test-compile
 * java -Xmx2g -cp core/target/classes:simworld/target/classes:simworld/target/test-classes \
 *     -Dexplore.depth=10 io.physalia.simworld.explore.ExploreMain
 * </pre>
 * Properties: explore.requests (2 or 3), explore.depth, explore.drops, explore.dups,
 * explore.wakeups, explore.dedupe, explore.amnesia. Exits 1 with the trace on a violation.
 */
public final class ExploreMain {
    private ExploreMain() {}

    public static void main(String[] args) {
        int requests = Integer.getInteger("explore.requests", 2);
        int depth = Integer.getInteger("explore.depth", 10);
        int drops = Integer.getInteger("explore.drops", 1);
        int dups = Integer.getInteger("explore.dups", 1);
        int wakeups = Integer.getInteger("explore.wakeups", 1);
        if (requests != 2 && requests != 3) {
            throw new IllegalArgumentException("explore.requests must be 2 or 3, was " + requests);
        }
        Scenario s = requests == 3 ? Scenario.threeProposers(depth, drops, dups, wakeups)
                : Scenario.twoProposers(depth, drops, dups, wakeups);
        s = s.withDedupe(Boolean.parseBoolean(System.getProperty("explore.dedupe", "true")))
                .withAmnesia(Integer.getInteger("explore.amnesia", 0));
        long start = System.nanoTime();
        Explorer.Result r = new Explorer(s).run();
        System.out.println(r + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
        if (r.violation() != null) {
            System.exit(1);
        }
    }
}
