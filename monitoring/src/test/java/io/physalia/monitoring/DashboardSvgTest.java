package io.physalia.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class DashboardSvgTest {
    private static final Instant FROM = Instant.ofEpochSecond(1_000_000);
    private static final Instant TO = FROM.plusSeconds(60);

    private static List<DashboardSvg.Point> points(double... values) {
        List<DashboardSvg.Point> out = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            out.add(new DashboardSvg.Point(FROM.getEpochSecond() + 10L * i, values[i]));
        }
        return out;
    }

    private static Document parse(String svg) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> seriesPaths(Document doc) {
        NodeList paths = doc.getElementsByTagName("path");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < paths.getLength(); i++) {
            Element e = (Element) paths.item(i);
            if ("series".equals(e.getAttribute("class"))) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void wellFormedWithOnePathPerSeriesAndEscapedText() throws Exception {
        List<DashboardSvg.Panel> panels = List.of(
                new DashboardSvg.Panel("Requests & errors", true, "short", 0, 0, 24, 1, List.of()),
                new DashboardSvg.Panel("p99 <latency>", false, "s", 0, 1, 12, 8, List.of(
                        new DashboardSvg.Series("p99 blue", points(0.01, 0.02, 0.03)),
                        new DashboardSvg.Series("p99 green", points(0.01, 0.01, 0.01)))),
                new DashboardSvg.Panel("Requests per second", false, "reqps", 12, 1, 12, 8, List.of(
                        new DashboardSvg.Series("blue", points(5, 5, 0)))));
        String svg = DashboardSvg.render("t", panels, FROM, TO, List.of(new DashboardSvg.Marker(FROM.plusSeconds(30), "kill")));
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getTagName());
        List<Element> paths = seriesPaths(doc);
        assertEquals(3, paths.size());
        assertEquals(List.of("#1f77b4", "#2ca02c"), List.of(paths.get(0).getAttribute("stroke"), paths.get(1).getAttribute("stroke")),
                "series of one panel get different colors");
        assertTrue(svg.contains("p99 &lt;latency&gt;") && svg.contains("Requests &amp; errors"), svg);
        assertTrue(svg.contains(">p99 green</text>"), "legend names the series: " + svg);
        assertTrue(svg.contains(" ms</text>") && svg.contains(" req/s</text>"), "axes labelled in each panel's unit: " + svg);
        assertEquals(2, doc.getElementsByTagName("g").getLength(), "a row is a heading, not a panel");
        assertTrue(svg.contains("class=\"marker\""), svg);
    }

    @Test
    void aGapBreaksTheLineAndAnEmptyPanelSaysNoData() throws Exception {
        List<DashboardSvg.Panel> panels = List.of(
                new DashboardSvg.Panel("gap", false, "short", 0, 0, 12, 8,
                        List.of(new DashboardSvg.Series("s", points(1, 2, Double.NaN, 3, 4)))),
                new DashboardSvg.Panel("empty", false, "short", 12, 0, 12, 8, List.of()));
        String svg = DashboardSvg.render("t", panels, FROM, TO, List.of());
        String d = seriesPaths(parse(svg)).get(0).getAttribute("d");
        assertEquals(2, d.chars().filter(c -> c == 'M').count(), d);
        assertEquals(2, d.chars().filter(c -> c == 'L').count(), d);
        assertTrue(!d.contains("NaN"), d);
        assertTrue(svg.contains("No data"), svg);
    }

    @Test
    void legendFormatTakesTheSeriesLabels() {
        assertEquals("p99 blue write", DashboardSnapshot.legend("p99 {{color}} {{op}}", Map.of("color", "blue", "op", "write")));
        assertEquals("blue", DashboardSnapshot.legend("{{color}} {{result}}", Map.of("color", "blue")));
    }
}
