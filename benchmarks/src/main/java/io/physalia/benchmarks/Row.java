package io.physalia.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of the results table: our figure, its target, and the figures of the other systems
 * measured in the same run under the same conditions ({@link Other}: a null value when not
 * measured, with a note saying why).
 */
public record Row(String benchmark, double value, String unit, Target target, List<Other> others, String note) {

    public Row {
        others = List.copyOf(others);
    }

    /** Another system's figure for the same benchmark ({@code value} null when not measured). */
    public record Other(String system, Double value, String note) {
        boolean measured() {
            return value != null && !value.isNaN();
        }
    }

    /** A row's target: an absolute bound, a bound relative to another system, or none (context figures). */
    public sealed interface Target {
        String describe();

        /** MET, MISSED, or null when there is nothing to judge. */
        String verdict(Row row);
    }

    /** Lower is better, at most {@code limit}. */
    public record AtMost(double limit, String unit) implements Target {
        public String describe() {
            return "<= " + Report.number(limit) + " " + unit;
        }

        public String verdict(Row row) {
            return Double.isNaN(row.value()) ? "MISSED" : row.value() <= limit ? "MET" : "MISSED";
        }
    }

    /** Higher is better: at least {@code factor} times {@code system}'s figure. */
    public record AtLeastTimes(double factor, String system) implements Target {
        public String describe() {
            return ">= " + Report.number(factor) + "x " + system;
        }

        public String verdict(Row row) {
            Other o = row.other(system);
            if (o == null || !o.measured() || o.value() <= 0) {
                return null;
            }
            return row.value() >= factor * o.value() ? "MET" : "MISSED";
        }
    }

    /** Lower is better: at most {@code factor} times {@code system}'s figure ("at or below etcd's" is factor 1). */
    public record AtMostTimes(double factor, String system) implements Target {
        public String describe() {
            return factor == 1 ? "<= " + system : "<= " + Report.number(factor) + "x " + system;
        }

        public String verdict(Row row) {
            Other o = row.other(system);
            if (o == null || !o.measured()) {
                return null;
            }
            return !Double.isNaN(row.value()) && row.value() <= factor * o.value() ? "MET" : "MISSED";
        }
    }

    /** No target: a figure that explains the others. */
    public record None() implements Target {
        public String describe() {
            return "-";
        }

        public String verdict(Row row) {
            return null;
        }
    }

    public static Row of(String benchmark, double value, String unit, Target target, String note) {
        return new Row(benchmark, value, unit, target, List.of(), note);
    }

    /** This row with {@code system}'s figure (replacing any it had), or with why there is none. */
    public Row with(String system, Double theirs, String why) {
        List<Other> next = new ArrayList<>();
        for (Other o : others) {
            if (!o.system().equals(system)) {
                next.add(o);
            }
        }
        next.add(new Other(system, theirs, why));
        return new Row(benchmark, value, unit, target, next, note);
    }

    /** {@code system}'s figure, or null when the row has none for it. */
    public Other other(String system) {
        for (Other o : others) {
            if (o.system().equals(system)) {
                return o;
            }
        }
        return null;
    }

    /** {@code system}'s value, or null when it was not measured. */
    public Double valueOf(String system) {
        Other o = other(system);
        return o == null ? null : o.value();
    }

    public String verdict() {
        return target.verdict(this);
    }
}
