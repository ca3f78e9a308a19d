package io.physalia.simulations.availability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.simulations.SimulateMain;
import io.physalia.simulations.SimulationOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three simulations through {@code physalia simulate}: claims that could fail, determinism, and flag checks. */
class SimulationsTest {
    private record Run(int code, String out, String err) {}

    private static Run simulate(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sameSeedSameOutputAndAnotherSeedAnother(@TempDir Path dir) throws Exception {
        String[][] runs = {
            {"availability", "--quick", "--sizes", "7", "--volumes", "120", "--trials", "4"},
            {"cell-size", "--quick", "--cells", "60", "--trials", "5"},
            {"load", "--quick", "--volumes", "120", "--trials", "5"},
        };
        for (String[] args : runs) {
            Run a = simulate(with(args, "--out", dir.toString(), "--seed", "5"));
            Run b = simulate(with(args, "--out", dir.toString(), "--seed", "5"));
            Run c = simulate(with(args, "--out", dir.toString(), "--seed", "6"));
            assertEquals(0, a.code(), a.err());
            assertEquals(a.out(), b.out(), args[0]);
            assertNotEquals(a.out(), c.out(), args[0]);
            assertTrue(a.out().contains("plot: "), a.out());
        }
        assertTrue(Files.exists(dir.resolve("figure11-a-size7.svg")));
        assertTrue(Files.exists(dir.resolve("figure11-b-size7.svg")));
        assertTrue(Files.exists(dir.resolve("figure4.svg")));
        assertTrue(Files.exists(dir.resolve("figure12.svg")));
        // The SVGs are XML.
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("figure4.svg").toFile());
    }

    private static String[] with(String[] args, String... more) {
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    @Test
    void availabilityPrintsTheTargetLines(@TempDir Path dir) throws Exception {
        Run r = simulate("availability", "--quick", "--sizes", "7", "--volumes", "150", "--trials", "4", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cell size 7, ours (default, NEAR_CLIENTS) vs single point: "), r.out());
        assertTrue(r.out().contains("target >= 4x: MET"), r.out());
        assertTrue(r.out().contains("cell size 7, ours (default, NEAR_CLIENTS) vs swap heuristic: lower at 12 of 12 failure fractions"), r.out());
        assertTrue(r.out().contains("| failed aggs | ours (default, NEAR_CLIENTS) | ours (LEAST_OVERLAP) | swap heuristic | random | single point |"), r.out());
        assertTrue(r.err().contains("cell size 7: engine placement"), "progress goes to stderr: " + r.err());
    }

    @Test
    void badFlagsAreUsageErrorsThatNameTheProblem(@TempDir Path dir) throws Exception {
        Run even = simulate("availability", "--sizes", "5,6", "--out", dir.toString());
        assertEquals(2, even.code());
        assertTrue(even.err().contains("--sizes values must be odd"), even.err());
        Run twoAggs = simulate("availability", "--aggs-per-row", "2", "--out", dir.toString());
        assertEquals(2, twoAggs.code());
        assertTrue(twoAggs.err().contains("need 3"), twoAggs.err());
        Run uplinks = simulate("load", "--uplinks", "1,5", "--out", dir.toString());
        assertEquals(2, uplinks.code());
        assertTrue(uplinks.err().contains("--uplinks must be 1..4"), uplinks.err());
        Run policy = simulate("scale", "--policy", "nearest", "--out", dir.toString());
        assertEquals(2, policy.code());
        assertTrue(policy.err().contains("--policy must be one of [LEAST_OVERLAP, RANDOM, NEAR_CLIENTS], got 'nearest'"),
                policy.err());
        Run small = simulate("cell-size", "--sizes", "1,17", "--out", dir.toString());
        assertEquals(2, small.code());
        assertTrue(small.err().contains("--sizes values must be in 1..15, got 17"), small.err());
    }

    @Test
    void loadPeaksInsideTheRangeAtThePapersTwentyNinePercent() {
        SimulationOptions o = new SimulationOptions(1, Path.of("unused"), true, Map.of("volumes", "300", "trials", "40"));
        LoadSimulation.Result r = LoadSimulation.compute(o, line -> { });
        LoadSimulation.Curve one = r.curves().get(0);
        assertEquals(1, one.uplinks());
        assertEquals(8.0 / 27, one.peakLoad(), 1e-3);
        assertEquals(1.0 / 3, one.peakFraction(), 2e-3);
        for (int q = 0; q < one.fractions().length; q++) {
            // Monte Carlo around the exact curve (a generous band: 40 failure sets per fraction).
            assertEquals(one.exact()[q], one.monteCarlo()[q], 0.06, "at " + one.fractions()[q]);
        }
        double[] mc = one.monteCarlo();
        int peak = 0;
        for (int q = 1; q < mc.length; q++) {
            peak = mc[q] > mc[peak] ? q : peak;
        }
        assertTrue(peak > 0 && peak < mc.length - 1 && mc[peak] > 0.2, "interior monte carlo peak " + mc[peak]);
        LoadSimulation.Curve two = r.curves().get(1);
        assertTrue(two.peakFraction() > one.peakFraction() + 0.1, "redundant uplinks move the peak right: " + two.peakFraction());
    }

    @Test
    void cellSizeShowsTheCrossoverAndAgreesWithTheBinomial() {
        SimulationOptions o = new SimulationOptions(2, Path.of("unused"), true, Map.of("cells", "200", "trials", "25"));
        CellSizeSimulation.Result r = CellSizeSimulation.compute(o, line -> { });
        assertEquals(5, r.curves().size());
        for (CellSizeSimulation.Curve c : r.curves()) {
            assertEquals(0.5, CellSizeSimulation.available(c.size(), 0.5), 1e-12);
            for (int q = 0; q < r.fractions().length; q++) {
                assertEquals(c.closedForm()[q], c.monteCarlo()[q], Math.max(0.01, 6 * c.standardError()[q]),
                        "size " + c.size() + " at " + r.fractions()[q]);
            }
        }
        CellSizeSimulation.Curve one = r.curves().get(0);
        CellSizeSimulation.Curve nine = r.curves().get(4);
        int at20 = 4;
        int at80 = 16;
        assertTrue(nine.monteCarlo()[at20] > one.monteCarlo()[at20] + 0.1, "big cells win at 20% failed");
        assertTrue(one.monteCarlo()[at80] > nine.monteCarlo()[at80] + 0.1, "small cells win at 80% failed");
        double cross = CellSizeSimulation.crossing(r.fractions(), one.monteCarlo(), nine.monteCarlo());
        assertTrue(cross > 0.45 && cross < 0.55, "crossing at " + cross);
        assertTrue(CellSizeSimulation.crossoverCheck(r).contains(": yes"), CellSizeSimulation.crossoverCheck(r));
    }
}
