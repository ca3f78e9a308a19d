package io.physalia.simulations.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.RateLimits;
import io.physalia.simulations.SimulateMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quick runs of simulations 4-6 that assert what could fail: no cell loses quorum to one node,
 * rack or power domain under the engine's placement (while random placement does lose some); a
 * bad deploy touches exactly its color's cells; during a mass failure the rate limits hold over
 * every window and no cell ever has two actions in flight; the same seed prints the same result.
 * No timing assertions.
 */
class SafetySimulationsTest {
    private static final Datacenter SMALL = new Datacenter(1, 2, 6, 8, 4, 2, 100);

    @Test
    void noSingleInfrastructureFailureCostsAQuorumAndABadDeployStaysInItsColor() {
        BlastRadius.Result r = BlastRadius.run(new BlastRadius.Config(SMALL, 1_000, 7, 10, 5), line -> {});
        assertEquals(1_000, r.cells());
        assertEquals(0, r.refused());
        assertTrue(r.churnRepairs() > 0, "the churn made the engine repair cells");
        assertEquals(0, r.ruleViolations());
        for (BlastRadius.Kind k : List.of(BlastRadius.Kind.NODE, BlastRadius.Kind.RACK, BlastRadius.Kind.POWER)) {
            assertEquals(0, r.ours(k).maxLost(), k.label);
            assertTrue(r.ours(k).failures() > 0, k.label);
        }
        assertEquals(96, r.ours(BlastRadius.Kind.NODE).failures(), "every node tried");
        assertEquals(12, r.ours(BlastRadius.Kind.RACK).failures(), "every rack tried");
        assertEquals(4, r.ours(BlastRadius.Kind.POWER).failures(), "every power domain tried");
        // The baseline is not trivially safe, so the measurement can tell the two apart.
        assertTrue(r.random(BlastRadius.Kind.POWER).maxLost() > 0, "random placement loses quorum to a power domain");
        int total = 0;
        for (BlastRadius.ColorDeploy d : r.colorDeploys()) {
            assertTrue(d.cellsOfColor() > 0);
            assertEquals(d.cellsOfColor(), d.lost(), d.color());
            assertEquals(d.cellsOfColor(), d.touched(), d.color());
            assertEquals(0, d.touchedOtherColors(), d.color());
            total += d.cellsOfColor();
        }
        assertEquals(1_000, total);
        assertTrue(r.random(BlastRadius.Kind.COLOR).maxTouched() > r.ours(BlastRadius.Kind.COLOR).maxTouched(),
                "without colors a bad deploy reaches more cells");
        assertEquals(0, r.actionsDuringBadDeploy(), "the engine waits while a whole color is down");
    }

    @Test
    void massFailureStaysWithinTheRateLimitsOneActionPerCell() {
        Datacenter dc = new Datacenter(1, 2, 6, 8, 4, 2, 200);
        RateLimits.Config limits = new RateLimits.Config(10, 1_000, 4, 3_000);
        for (double fraction : new double[] {0.3, 0.5}) {
            MassFailure.Result r = MassFailure.run(
                    new MassFailure.Config(dc, 400, 7, fraction, 1_000, 5_000, limits, 240, -1, 0, 3), line -> {});
            String what = "fail fraction " + fraction;
            assertTrue(r.finished(), what);
            assertTrue(r.repairs() > 100, what + ": repairs " + r.repairs());
            assertTrue(r.limitsHeld(), what + ": " + r.global() + " " + r.colors());
            assertEquals(0, r.secondActions(), what);
            assertEquals(0, r.ruleViolations(), what);
            assertTrue(r.cellsMajorityDown() > 0, what);
            assertEquals(r.cellsMajorityDown(), r.unrepaired().getOrDefault(MassFailure.MAJORITY_DOWN, 0),
                    what + ": cells with a majority down wait, every other cell is repaired: " + r.unrepaired());
            // The limits paced the work: the busiest minute reached the binding limit (two colors of 20/min here).
            assertTrue(r.global().peakPerMinute() >= 40, what + ": peak " + r.global().peakPerMinute());
        }
    }

    /** The big red button in the middle of a mass failure: nothing is issued while it is pressed, then work resumes. */
    @Test
    void theBigRedButtonStopsTheRepairsAndTheyResume() {
        Datacenter dc = new Datacenter(1, 2, 6, 8, 4, 2, 200);
        RateLimits.Config limits = new RateLimits.Config(10, 1_000, 4, 3_000);
        MassFailure.Result r = MassFailure.run(
                new MassFailure.Config(dc, 400, 7, 0.3, 1_000, 5_000, limits, 240, 5, 10, 3), line -> {});
        assertEquals(0, r.actionsWhilePaused());
        assertTrue(r.caughtUpWhilePaused() > 0, "actions in flight when paused still report");
        for (int minute = 6; minute < 15; minute++) {
            assertEquals(0, r.perMinute()[minute], "minute " + minute);
        }
        assertTrue(r.perMinute()[16] > 0, "work resumes");
        assertTrue(r.finished());
        assertTrue(r.limitsHeld());
        assertEquals(0, r.secondActions());
    }

    /** The exact window check finds a burst too many, and accepts a bucket's own schedule. */
    @Test
    void theWindowCheckCatchesAnExcess() {
        int[] minutes = new int[2];
        List<Long> paced = List.of(0L, 0L, 1_000L, 2_000L, 3_000L);
        assertTrue(MassFailure.check("g", 2, 1_000, paced, minutes).held());
        List<Long> tooFast = List.of(0L, 0L, 1_000L, 1_500L, 3_000L);
        MassFailure.LimitCheck c = MassFailure.check("g", 2, 1_000, tooFast, minutes);
        assertFalse(c.held());
        assertEquals(1, c.worstExcess());
    }

    @Test
    void scaleRunPlacesEveryCellWithinTheRules() {
        Datacenter dc = new Datacenter(1, 2, 8, 8, 4, 2, 1_000);
        Scale.Result r = Scale.run(new Scale.Config(dc, 5_000, 7, 5, true, 9), line -> {});
        assertEquals(5_000, r.cells());
        assertEquals(0, r.refused());
        assertEquals(0, r.ruleViolations());
        assertEquals(0, r.notNearest());
        assertEquals(5, r.windows().size());
        assertEquals(5_000, r.windows().get(4).placedAtEnd());
        assertTrue(r.peakHeapBytes() > 0 && r.liveHeapBytes() > 0);
        assertEquals(0, r.overlap().identicalMemberSets());
        // --policy LEAST_OVERLAP, the comparison point: the same promises, and less overlap per pair.
        Scale.Result least = Scale.run(new Scale.Config(dc, 5_000, 7, 5, true, 9, PlacementPolicy.LEAST_OVERLAP), line -> {});
        assertEquals(5_000, least.cells());
        assertEquals(0, least.refused());
        assertEquals(0, least.ruleViolations());
        assertEquals(0, least.notNearest());
        assertEquals(0, least.overlap().identicalMemberSets());
        assertTrue(least.overlap().maxShared() < r.overlap().maxShared(), least.overlap() + " against " + r.overlap());
    }

    @Test
    void sameSeedSameOutputAndFlagsAreChecked(@TempDir Path dir) throws Exception {
        for (String sim : List.of("blast-radius", "mass-failure", "scale")) {
            String[] args = sim.equals("scale")
                    ? new String[] {sim, "--quick", "--cells", "2000", "--seed", "4", "--out", dir.toString()}
                    : new String[] {sim, "--quick", "--cells", "400", "--seed", "4", "--out", dir.toString()};
            String first = run(args);
            assertEquals(resultLines(first), resultLines(run(args)), sim);
            assertTrue(first.contains("MET"), sim + ": " + first);
            assertFalse(first.contains("MISSED"), sim + ": " + first);
        }
        assertTrue(Files.exists(dir.resolve("blast-radius-infrastructure.svg")));
        assertTrue(Files.exists(dir.resolve("blast-radius-color.svg")));
        assertTrue(Files.exists(dir.resolve("mass-failure-30.svg")));
        assertTrue(Files.exists(dir.resolve("scale-rate.svg")));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateMain.run(new String[] {"mass-failure", "--quick", "--global-per-minute", "7"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("must divide 60,000"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        code = SimulateMain.run(new String[] {"blast-radius", "--quick", "--cells", "100000"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("raise --capacity or lower --cells"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MassFailureSimulation.config(options("--fail-fraction", "1.5")));
        assertTrue(e.getMessage().contains("--fail-fraction must be in 0.0..1.0"), e.getMessage());
    }

    private static io.physalia.simulations.SimulationOptions options(String... kv) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i].substring(2), kv[i + 1]);
        }
        return new io.physalia.simulations.SimulationOptions(1, Path.of("x"), true, m);
    }

    private static String run(String[] args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = SimulateMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The result lines without measured times, heap and rates, which differ between runs. */
    private static String resultLines(String out) {
        StringBuilder b = new StringBuilder();
        for (String line : out.split("\n")) {
            boolean timing = line.startsWith("placed ") && line.contains(" s (") || line.startsWith("heap:")
                    || line.startsWith("  ") && line.matches("\\s+[0-9,]+\\s+[0-9.]+\\s+.*") || line.startsWith("target time")
                    || line.startsWith("target heap") || line.startsWith("overlap (computed") || line.startsWith("cells: ")
                    && line.contains("JVM max heap");
            if (!timing) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }
}
