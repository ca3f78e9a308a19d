package io.physalia.benchmarks;

/**
 * One line of the results table: our figure, its target, and Ratis's figure measured in the
 * same run under the same conditions (null when not measured, with {@code ratisNote} saying why).
 */
public record Row(String benchmark, double value, String unit, Target target, Double ratisValue, String ratisNote,
                  String note) {

    /** A row's target: an absolute bound, a bound relative to Ratis, or none (context figures). */
    public sealed interface Target {
        String describe();

        /** MET, MISSED, or null when there is nothing to judge. */
        String verdict(double ours, Double ratis);
    }

    /** Lower is better, at most {@code limit}. */
    public record AtMost(double limit, String unit) implements Target {
        public String describe() {
            return "<= " + Report.number(limit) + " " + unit;
        }

        public String verdict(double ours, Double ratis) {
            return Double.isNaN(ours) ? "MISSED" : ours <= limit ? "MET" : "MISSED";
        }
    }

    /** Higher is better, at least {@code factor} times Ratis's figure. */
    public record AtLeastTimesRatis(double factor) implements Target {
        public String describe() {
            return ">= " + Report.number(factor) + "x Ratis";
        }

        public String verdict(double ours, Double ratis) {
            if (ratis == null || ratis.isNaN() || ratis <= 0) {
                return null;
            }
            return ours >= factor * ratis ? "MET" : "MISSED";
        }
    }

    /** No target: a figure that explains the others. */
    public record None() implements Target {
        public String describe() {
            return "-";
        }

        public String verdict(double ours, Double ratis) {
            return null;
        }
    }

    public static Row of(String benchmark, double value, String unit, Target target, String note) {
        return new Row(benchmark, value, unit, target, null, null, note);
    }

    public Row withRatis(Double ratis, String why) {
        return new Row(benchmark, value, unit, target, ratis, why, note);
    }

    public String verdict() {
        return target.verdict(value, ratisValue);
    }
}
