package io.physalia.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Collects rows and prints them as one markdown table, with the run's machine, command and date:
 * our figure, its target and verdict, then each other system's figure and our ratio to it, in
 * the order the systems first appear.
 */
public final class Report {
    private final List<Row> rows = new ArrayList<>();

    public synchronized void add(Row r) {
        rows.add(r);
    }

    public synchronized List<Row> rows() {
        return List.copyOf(rows);
    }

    public synchronized void print(PrintStream out, String commandLine) {
        out.println("- Machine: " + machine());
        out.println("- Command: `" + commandLine + "`");
        out.println("- Date: " + java.time.LocalDate.now());
        out.println();
        Set<String> systems = new LinkedHashSet<>();
        for (Row r : rows) {
            r.others().forEach(o -> systems.add(o.system()));
        }
        StringBuilder header = new StringBuilder("| benchmark | ours | target | verdict |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|");
        for (String s : systems) {
            header.append(' ').append(s).append(" | ours / ").append(s).append(" |");
            rule.append("---|---|");
        }
        out.println(header.append(" notes |"));
        out.println(rule.append("---|"));
        Map<String, String> lastNote = new HashMap<>();
        for (Row r : rows) {
            String verdict = r.verdict();
            StringBuilder line = new StringBuilder();
            line.append(String.format("| %s | %s %s | %s | %s |", r.benchmark(), number(r.value()), r.unit(),
                    r.target().describe(), verdict == null ? "-" : "**" + verdict + "**"));
            List<String> notes = new ArrayList<>();
            if (r.note() != null && !r.note().isBlank()) {
                notes.add(r.note());
            }
            for (String s : systems) {
                Row.Other o = r.other(s);
                String theirs = o == null ? "-" : o.measured() ? number(o.value()) + " " + r.unit()
                        : o.note() == null ? "-" : "not measured";
                String ratio = o == null || !o.measured() || o.value() == 0 ? "-" : ratio(r.value() / o.value());
                line.append(' ').append(theirs).append(" | ").append(ratio).append(" |");
                String why = o == null ? null : o.note();
                if (why != null && !why.isBlank()) {
                    notes.add(!o.measured() && why.equals(lastNote.get(s)) ? s + ": as above" : s + ": " + why);
                }
                lastNote.put(s, why);
            }
            line.append(' ').append(String.join("; ", notes).replace("|", "/")).append(" |");
            out.println(line);
        }
        out.flush();
    }

    /** A figure with sensible precision: 3 significant digits below 100, whole numbers with separators above. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Two decimals, or two significant digits for ratios below 0.1 (so a tiny ratio is not shown as 0.00). */
    static String ratio(double x) {
        if (x != 0 && Math.abs(x) < 0.1) {
            return new java.math.BigDecimal(x).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.2f", x);
    }

    static String machine() {
        Runtime rt = Runtime.getRuntime();
        return String.format(Locale.ROOT, "%d cores (%s), %s RAM, %s %s, Java %s (%s)", rt.availableProcessors(),
                procLine("/proc/cpuinfo", "model name"), procLine("/proc/meminfo", "MemTotal"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    /** The value of the first "key: value" line of a /proc file, or "unknown". */
    private static String procLine(String file, String key) {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: say so below
        }
        return "unknown";
    }
}
