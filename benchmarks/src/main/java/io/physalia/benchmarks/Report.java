package io.physalia.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Collects rows and prints them as one markdown table, with the run's machine, command and date. */
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
        out.println("| benchmark | ours | target | verdict | Ratis | ours / Ratis | notes |");
        out.println("|---|---|---|---|---|---|---|");
        String lastRatisNote = null;
        for (Row r : rows) {
            String verdict = r.verdict();
            String ratis = r.ratisValue() == null ? (r.ratisNote() == null ? "-" : "not measured")
                    : number(r.ratisValue()) + " " + r.unit();
            String ratio = r.ratisValue() == null || r.ratisValue() == 0 || r.ratisValue().isNaN()
                    ? "-" : ratio(r.value() / r.ratisValue());
            List<String> notes = new ArrayList<>();
            if (r.note() != null && !r.note().isBlank()) {
                notes.add(r.note());
            }
            if (r.ratisNote() != null && !r.ratisNote().isBlank()) {
                notes.add(r.ratisValue() == null && r.ratisNote().equals(lastRatisNote) ? "Ratis: as above" : "Ratis: " + r.ratisNote());
            }
            lastRatisNote = r.ratisNote();
            out.printf("| %s | %s %s | %s | %s | %s | %s | %s |%n", r.benchmark(), number(r.value()), r.unit(),
                    r.target().describe(), verdict == null ? "-" : "**" + verdict + "**", ratis, ratio,
                    String.join("; ", notes).replace("|", "/"));
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
