package io.physalia.simulations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.simulations.plot.SvgChart;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateMainTest {
    private static final Simulation PROBE = new Simulation() {
        @Override
        public String name() {
            return "probe";
        }

        @Override
        public String summary() {
            return "a probe";
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("cells", "how many cells");
        }

        @Override
        public void run(SimulationOptions options, SimulationOutput output) {}
    };

    @Test
    void unknownSimulationIsAUsageError() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulateMain.run(new String[] {"no-such"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown simulation 'no-such'"));
    }

    @Test
    void flagsAreValidatedBeforeTheRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimulateMain.parse(PROBE, new String[] {"probe", "--nodes", "3"}));
        assertTrue(e.getMessage().contains("unknown flag --nodes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimulateMain.parse(PROBE, new String[] {"probe", "--seed", "x"}));
        assertTrue(e.getMessage().contains("--seed must be an integer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimulateMain.parse(PROBE, new String[] {"probe", "--cells"}));
        assertTrue(e.getMessage().contains("--cells needs a value"), e.getMessage());
        SimulationOptions o = SimulateMain.parse(PROBE, new String[] {"probe", "--cells", "1_000", "--quick", "--seed", "7"});
        assertEquals(7, o.seed());
        assertTrue(o.quick());
        assertEquals(1000, o.intParam("cells", 5, 1, 10_000));
        e = assertThrows(IllegalArgumentException.class, () -> o.intParam("cells", 5, 1, 10));
        assertTrue(e.getMessage().contains("--cells must be in 1..10, got 1000"), e.getMessage());
    }

    @Test
    void chartsAreWellFormedSvgWithEveryLegend(@TempDir Path dir) throws Exception {
        SvgChart chart = new SvgChart("P(unavailable) <&>", "failed aggs (%)", "probability").logY()
                .line("ours", new double[] {1, 2, 3}, new double[] {1e-4, 1e-3, 0})
                .dashed("baseline", new double[] {1, 2, 3}, new double[] {1e-2, 2e-2, 5e-2});
        SimulationOutput out = new SimulationOutput(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), dir);
        Path file = out.writeSvg("probe.svg", chart);
        String svg = Files.readString(file);
        assertTrue(svg.startsWith("<svg "));
        assertTrue(svg.trim().endsWith("</svg>"));
        assertTrue(svg.contains("P(unavailable) &lt;&amp;&gt;"));
        assertTrue(svg.contains(">ours<") && svg.contains(">baseline<"));
        assertTrue(svg.contains("stroke-dasharray"));
        // Parses as XML.
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        String bars = new SvgChart("blast radius", "failure", "cells losing quorum")
                .categories(List.of("node", "rack")).bars("ours", new double[] {0, 0.5}).render();
        assertTrue(bars.contains("<rect x="));
        assertThrows(IllegalArgumentException.class, () -> out.writeSvg("../x.svg", chart));
        // A legend entry too long for the standard width widens the image, not the plot.
        assertTrue(chart.render().contains("width=\"720\""));
        String wide = new SvgChart("t", "x", "y").line("ours (default, NEAR_CLIENTS)", new double[] {1, 2},
                new double[] {1, 2}).render();
        assertTrue(wide.contains("width=\"774\""), wide);
        assertTrue(wide.contains("<text x=\"570.0\""), wide);
    }
}
