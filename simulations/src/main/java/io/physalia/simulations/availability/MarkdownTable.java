package io.physalia.simulations.availability;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A markdown table printed as the result lines the docs quote. */
final class MarkdownTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    MarkdownTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    MarkdownTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells; header has " + header.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    void print(PrintStream out) {
        out.println("| " + String.join(" | ", header) + " |");
        out.println("|" + "---|".repeat(header.size()));
        for (List<String> r : rows) {
            out.println("| " + String.join(" | ", r) + " |");
        }
        out.println();
    }

    /** A probability with three significant digits: {@code 0}, {@code 1.23e-04}. */
    static String probability(double p) {
        return p == 0 ? "0" : String.format(Locale.ROOT, "%.2e", p);
    }

    /** A ratio such as {@code 4.7x}; {@code inf} when the divisor is zero and the dividend is not. */
    static String ratio(double numerator, double denominator) {
        if (denominator == 0) {
            return numerator == 0 ? "-" : "inf";
        }
        double r = numerator / denominator;
        return String.format(Locale.ROOT, r >= 100 ? "%.0fx" : "%.1fx", r);
    }

    /** A failure fraction as a percentage: {@code 0.5%}, {@code 10%}. */
    static String percent(double fraction) {
        double p = Math.round(fraction * 1000) / 10.0;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }
}
