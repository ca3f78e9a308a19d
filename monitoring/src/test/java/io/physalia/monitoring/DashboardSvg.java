package io.physalia.monitoring;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Draws panels of time series as one SVG, laid out on the dashboard's own 24-column grid: per
 * panel a title, a y axis labelled in the panel's unit ({@link Units}), a time axis (UTC), one
 * path per series and a legend; rows are headings. Hand-drawn, so the picture needs nothing but
 * the data (no Grafana, no charting library). Gaps (NaN, missing points) break a line instead of
 * drawing it to zero. Markers are dashed vertical lines across every panel (the kill -9).
 */
final class DashboardSvg {
    record Point(long epochSecond, double value) {}

    record Series(String name, List<Point> points) {}

    /** A panel's data; {@code row} is a heading, with no series. */
    record Panel(String title, boolean row, String unit, int x, int y, int w, int h, List<Series> series) {}

    record Marker(Instant at, String label) {}

    static final int WIDTH = 1200;
    private static final int GRID_ROW = 34; // pixels per Grafana grid unit of height
    private static final String[] PALETTE = {"#1f77b4", "#2ca02c", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#17becf", "#bcbd22", "#7f7f7f"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private DashboardSvg() {}

    static String render(String title, List<Panel> panels, Instant from, Instant to, List<Marker> markers) {
        int bottom = panels.stream().mapToInt(p -> p.y() + p.h()).max().orElse(0);
        int height = 40 + bottom * GRID_ROW + 10;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH, height));
        svg.append("<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">").append(escape(title)).append("</text>\n");
        double unit = WIDTH / 24.0;
        for (Panel p : panels) {
            double x = p.x() * unit + 4;
            double y = 40 + p.y() * GRID_ROW;
            if (p.row()) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                        x, y + 22, escape(p.title())));
            } else {
                panel(svg, p, x, y, p.w() * unit - 8, p.h() * GRID_ROW - 8, from, to, markers);
            }
        }
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, Panel p, double x, double y, double w, double h, Instant from, Instant to,
            List<Marker> markers) {
        svg.append(String.format(Locale.ROOT, "<g class=\"panel\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                + "fill=\"#fafafa\" stroke=\"#cccccc\"/>%n", x, y, w, h));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">%s</text>%n", x + 8, y + 16,
                escape(p.title())));
        int legendRows = (p.series().size() + 2) / 3;
        double left = x + 70;
        double right = x + w - 12;
        double top = y + 28;
        double plotBottom = y + h - 24 - legendRows * 14;
        double[] range = range(p.series());
        long t0 = from.getEpochSecond();
        long t1 = Math.max(t0 + 1, to.getEpochSecond());
        // y axis: four gridlines, labelled in the panel's unit
        for (int i = 0; i <= 4; i++) {
            double v = range[0] + (range[1] - range[0]) * i / 4;
            double gy = plotBottom - (plotBottom - top) * i / 4;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555555\">%s</text>%n",
                    left, gy, right, gy, left - 4, gy + 4, escape(Units.format(p.unit(), v))));
        }
        // time axis: five labels, UTC
        for (int i = 0; i <= 4; i++) {
            double tx = left + (right - left) * i / 4;
            long t = t0 + (t1 - t0) * i / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#555555\">%s</text>%n",
                    tx, plotBottom + 13, TIME.format(Instant.ofEpochSecond(t))));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>%n",
                left, plotBottom, right, plotBottom));
        for (Marker m : markers) {
            double mx = left + (right - left) * (m.at().getEpochSecond() - t0) / (t1 - t0);
            svg.append(String.format(Locale.ROOT, "<line class=\"marker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#d62728\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\" font-size=\"9\">%s</text>%n",
                    mx, top, mx, plotBottom, mx + 3, top + 9, escape(m.label())));
        }
        if (p.series().isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#888888\">%s</text>%n",
                    (left + right) / 2, (top + plotBottom) / 2, "No data (no operator runs in a local colony)"));
        }
        for (int i = 0; i < p.series().size(); i++) {
            Series s = p.series().get(i);
            String color = PALETTE[i % PALETTE.length];
            svg.append("<path class=\"series\" fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color).append("\" d=\"")
                    .append(path(s.points(), range, t0, t1, left, right, top, plotBottom)).append("\"/>\n");
            double lx = x + 10 + (i % 3) * (w - 20) / 3;
            double ly = plotBottom + 28 + (i / 3) * 14;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", lx, ly - 9, color, lx + 14, ly, escape(s.name())));
        }
        svg.append("</g>\n");
    }

    /** The path of one series: a move at the start and after every gap (NaN, or a step with no point). */
    private static String path(List<Point> points, double[] range, long t0, long t1, double left, double right, double top,
            double bottom) {
        StringBuilder d = new StringBuilder();
        long step = points.size() > 1 ? points.get(1).epochSecond() - points.get(0).epochSecond() : 1;
        Point prev = null;
        for (Point pt : points) {
            if (Double.isNaN(pt.value()) || Double.isInfinite(pt.value())) {
                prev = null;
                continue;
            }
            boolean move = prev == null || pt.epochSecond() - prev.epochSecond() > step;
            double px = left + (right - left) * (pt.epochSecond() - t0) / (t1 - t0);
            double py = bottom - (bottom - top) * (pt.value() - range[0]) / (range[1] - range[0]);
            d.append(String.format(Locale.ROOT, "%s%.1f %.1f ", move ? "M" : "L", px, py));
            prev = pt;
        }
        return d.toString().trim();
    }

    /** From 0 (or the lowest value, if negative) to the highest value, never an empty range. */
    private static double[] range(List<Series> series) {
        double min = 0;
        double max = 0;
        for (Series s : series) {
            for (Point p : s.points()) {
                if (Double.isFinite(p.value())) {
                    min = Math.min(min, p.value());
                    max = Math.max(max, p.value());
                }
            }
        }
        return new double[] {min, max > min ? max * 1.05 : min + 1};
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
