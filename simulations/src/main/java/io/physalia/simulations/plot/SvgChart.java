package io.physalia.simulations.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A small SVG chart writer: line series over a numeric x axis, or grouped bars over named
 * categories. No dependencies, so plots are produced wherever the simulations run; the output is
 * plain SVG 1.1 that browsers and GitHub render.
 */
public final class SvgChart {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 440;
    private static final int LEFT = 78;
    private static final int RIGHT = 190;
    private static final int TOP = 44;
    private static final int BOTTOM = 58;
    /** Legend text starts this far right of the plot area. */
    private static final int LEGEND_TEXT = 40;
    /** An upper estimate of the width of one legend character (11 px sans-serif, capitals included). */
    private static final double LEGEND_CHAR = 7.0;
    private static final String[] PALETTE = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
    };

    /** A named line: points (x[i], y[i]); {@code dashed} for baselines and limits. */
    public record Series(String name, double[] x, double[] y, boolean dashed) {
        public Series {
            Objects.requireNonNull(name, "name");
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
            }
            x = x.clone();
            y = y.clone();
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private List<String> categories = List.of();
    private boolean logY;
    private Double yMin;
    private Double yMax;

    public SvgChart(String title, String xLabel, String yLabel) {
        this.title = Objects.requireNonNull(title);
        this.xLabel = Objects.requireNonNull(xLabel);
        this.yLabel = Objects.requireNonNull(yLabel);
    }

    public SvgChart line(String name, double[] x, double[] y) {
        series.add(new Series(name, x, y, false));
        return this;
    }

    public SvgChart dashed(String name, double[] x, double[] y) {
        series.add(new Series(name, x, y, true));
        return this;
    }

    /**
     * Makes this a bar chart over named categories; each series then gives one value per category
     * (its x values are ignored) and is drawn as one bar in each category's group.
     */
    public SvgChart categories(List<String> names) {
        this.categories = List.copyOf(names);
        return this;
    }

    public SvgChart bars(String name, double[] values) {
        if (categories.isEmpty() || values.length != categories.size()) {
            throw new IllegalArgumentException("bars " + name + ": need one value per category (" + categories.size() + ")");
        }
        double[] xs = new double[values.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
        }
        series.add(new Series(name, xs, values, false));
        return this;
    }

    /** A logarithmic y axis (decades); non-positive values are left out of the lines. */
    public SvgChart logY() {
        this.logY = true;
        return this;
    }

    public SvgChart yRange(double min, double max) {
        if (!(min < max)) {
            throw new IllegalArgumentException("y range must have min < max");
        }
        this.yMin = min;
        this.yMax = max;
        return this;
    }

    /**
     * The image width: the standard one, wider when the longest legend entry would not fit to the
     * right of the plot area (which keeps its size, so plots stay comparable).
     */
    int width() {
        int longest = 0;
        for (Series s : series) {
            longest = Math.max(longest, s.name().length());
        }
        int needed = WIDTH - RIGHT + LEGEND_TEXT + (int) Math.ceil(longest * LEGEND_CHAR) + 8;
        return Math.max(WIDTH, needed);
    }

    public String render() {
        if (series.isEmpty()) {
            throw new IllegalStateException("chart '" + title + "' has no series");
        }
        boolean barChart = !categories.isEmpty();
        double x0 = barChart ? -0.5 : min(true);
        double x1 = barChart ? categories.size() - 0.5 : max(true);
        if (x0 == x1) {
            x1 = x0 + 1;
        }
        double y0 = yMin != null ? yMin : (logY ? Math.pow(10, Math.floor(Math.log10(minPositiveY()))) : Math.min(0, min(false)));
        double y1 = yMax != null ? yMax : (logY ? Math.pow(10, Math.ceil(Math.log10(max(false)))) : niceCeil(max(false)));
        if (y0 >= y1) {
            y1 = logY ? y0 * 10 : y0 + 1;
        }
        Scale sx = new Scale(x0, x1, LEFT, WIDTH - RIGHT, false);
        Scale sy = new Scale(y0, y1, HEIGHT - BOTTOM, TOP, logY);

        StringBuilder b = new StringBuilder();
        int width = width();
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                width, HEIGHT, width, HEIGHT));
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(b, WIDTH / 2.0 - RIGHT / 2.0 + LEFT / 2.0, 24, title, "middle", 15, 0);
        text(b, (LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 14, xLabel, "middle", 12, 0);
        text(b, 18, (TOP + HEIGHT - BOTTOM) / 2.0, yLabel, "middle", 12, -90);

        // Y grid and ticks.
        for (double t : logY ? logTicks(y0, y1) : linearTicks(y0, y1)) {
            double py = sy.map(t);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n",
                    LEFT, py, WIDTH - RIGHT, py));
            text(b, LEFT - 6, py + 4, label(t), "end", 11, 0);
        }
        // X ticks.
        if (barChart) {
            for (int i = 0; i < categories.size(); i++) {
                text(b, sx.map(i), HEIGHT - BOTTOM + 16, categories.get(i), "middle", 11, 0);
            }
        } else {
            for (double t : linearTicks(x0, x1)) {
                double px = sx.map(t);
                b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>%n",
                        px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 4));
                text(b, px, HEIGHT - BOTTOM + 17, label(t), "middle", 11, 0);
            }
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
                LEFT, TOP, WIDTH - RIGHT - LEFT, HEIGHT - BOTTOM - TOP));

        for (int s = 0; s < series.size(); s++) {
            Series ser = series.get(s);
            String color = PALETTE[s % PALETTE.length];
            if (barChart) {
                double group = (sx.map(1) - sx.map(0)) * 0.8;
                double w = group / series.size();
                for (int i = 0; i < ser.y().length; i++) {
                    double v = ser.y()[i];
                    if (logY && v <= 0) {
                        continue;
                    }
                    double px = sx.map(i) - group / 2 + s * w;
                    double top = sy.map(Math.min(v, y1));
                    double base = sy.map(logY ? y0 : Math.max(0, y0));
                    b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                            px, Math.min(top, base), Math.max(w - 1, 1), Math.abs(base - top), color));
                }
            } else {
                StringBuilder path = new StringBuilder();
                boolean pen = false;
                for (int i = 0; i < ser.x().length; i++) {
                    double v = ser.y()[i];
                    if ((logY && v <= 0) || Double.isNaN(v)) {
                        pen = false;
                        continue;
                    }
                    path.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", sx.map(ser.x()[i]), sy.map(v)));
                    pen = true;
                }
                b.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                        path.toString().trim(), color, ser.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
                if (ser.x().length <= 40) {
                    for (int i = 0; i < ser.x().length; i++) {
                        double v = ser.y()[i];
                        if ((logY && v <= 0) || Double.isNaN(v)) {
                            continue;
                        }
                        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n",
                                sx.map(ser.x()[i]), sy.map(v), color));
                    }
                }
            }
            // Legend.
            double ly = TOP + 8 + s * 20;
            double lx = WIDTH - RIGHT + LEGEND_TEXT - 28;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%d\"%s/>%n",
                    lx, ly, lx + 22, ly, color, barChart ? 8 : 2, ser.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            text(b, lx + 28, ly + 4, ser.name(), "start", 11, 0);
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private double min(boolean xs) {
        double m = Double.POSITIVE_INFINITY;
        for (Series s : series) {
            for (double v : xs ? s.x() : s.y()) {
                if (!Double.isNaN(v)) {
                    m = Math.min(m, v);
                }
            }
        }
        return m == Double.POSITIVE_INFINITY ? 0 : m;
    }

    private double max(boolean xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : xs ? s.x() : s.y()) {
                if (!Double.isNaN(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        return m == Double.NEGATIVE_INFINITY ? 1 : m;
    }

    private double minPositiveY() {
        double m = Double.POSITIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y()) {
                if (v > 0) {
                    m = Math.min(m, v);
                }
            }
        }
        return m == Double.POSITIVE_INFINITY ? 1e-6 : m;
    }

    private static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double step = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * step >= v) {
                return m * step;
            }
        }
        return 10 * step;
    }

    private static List<Double> linearTicks(double lo, double hi) {
        double raw = (hi - lo) / 6;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out;
    }

    private static List<Double> logTicks(double lo, double hi) {
        List<Double> out = new ArrayList<>();
        for (double t = Math.pow(10, Math.ceil(Math.log10(lo) - 1e-9)); t <= hi * (1 + 1e-9); t *= 10) {
            out.add(t);
        }
        return out;
    }

    private static String label(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e6 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.0e", v);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static void text(StringBuilder b, double x, double y, String s, String anchor, int size, int rotate) {
        String transform = rotate == 0 ? "" : String.format(Locale.ROOT, " transform=\"rotate(%d %.1f %.1f)\"", rotate, x, y);
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\"%s>%s</text>%n",
                x, y, anchor, size, transform, escape(s)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private record Scale(double lo, double hi, double from, double to, boolean log) {
        double map(double v) {
            double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return from + f * (to - from);
        }
    }
}
