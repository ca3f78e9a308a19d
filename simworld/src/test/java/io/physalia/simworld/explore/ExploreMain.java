package io.physalia.simworld.explore;

/**
 * Deeper explorations by hand (the build's ExplorerTest runs small bounds):
 * <pre>
 * ./mvnw -pl simworld -am test-compile
 * java -Xmx2g -cp core/target/classes:simworld/target/classes:simworld/target/test-classes \
 *     -Dexplore.depth=10 io.physalia.simworld.explore.ExploreMain
 * </pre>
 * Properties (defaults): explore.scenario (writes; or membership: a write against the removal of
 * n3, alpha 1), explore.requests (2; or 3, writes only), explore.depth (10), explore.drops (1),
 * explore.dups (1), explore.wakeups (1), explore.crashes (0), explore.dedupe (true),
 * explore.amnesia (0; a test-only broken model: expect a violation). Exits 1 with the trace on a
 * violation.
 */
public final class ExploreMain {
    private ExploreMain() {}

    public static void main(String[] args) {
        int requests = Integer.getInteger("explore.requests", 2);
        int depth = Integer.getInteger("explore.depth", 10);
        int drops = Integer.getInteger("explore.drops", 1);
        int dups = Integer.getInteger("explore.dups", 1);
        int wakeups = Integer.getInteger("explore.wakeups", 1);
        String kind = System.getProperty("explore.scenario", "writes");
        if (requests != 2 && requests != 3) {
            throw new IllegalArgumentException("explore.requests must be 2 or 3, was " + requests);
        }
        Scenario s = switch (kind) {
            case "writes" -> requests == 3 ? Scenario.threeProposers(depth, drops, dups, wakeups)
                    : Scenario.twoProposers(depth, drops, dups, wakeups);
            case "membership" -> Scenario.membershipChange(depth, drops, dups, wakeups);
            default -> throw new IllegalArgumentException(
                    "explore.scenario must be writes or membership, was " + kind);
        };
        s = s.withDedupe(Boolean.parseBoolean(System.getProperty("explore.dedupe", "true")))
                .withCrashes(Integer.getInteger("explore.crashes", 0))
                .withAmnesia(Integer.getInteger("explore.amnesia", 0));
        long start = System.nanoTime();
        Explorer.Result r = new Explorer(s).run();
        System.out.println(r + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
        if (r.violation() != null) {
            System.exit(1);
        }
    }
}
