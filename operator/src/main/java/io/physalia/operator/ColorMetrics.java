package io.physalia.operator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a rollout compares between colors: client requests served, how many failed on the
 * server's side, and the latency histogram, summed over the nodes of a color from their
 * Prometheus text ({@code physalia_requests_total}, {@code physalia_request_duration_seconds}).
 * Counters only grow, so a window's figures are the difference of two samples.
 */
final class ColorMetrics {
    /** Results that are the server's failure, not the client's: no answer, no quorum, an outcome unknown. */
    static final Set<String> SERVER_ERRORS = Set.of("outcome_unknown", "unavailable", "timeout", "incomplete");

    private ColorMetrics() {}

    /**
     * @param requests client requests answered
     * @param errors those answered with a server error ({@link #SERVER_ERRORS})
     * @param buckets cumulative latency histogram: upper bound in seconds to count (+Inf as infinity)
     */
    record Sample(double requests, double errors, TreeMap<Double, Double> buckets) {
        static final Sample ZERO = new Sample(0, 0, new TreeMap<>());

        Sample plus(Sample o) {
            TreeMap<Double, Double> b = new TreeMap<>(buckets);
            o.buckets.forEach((le, n) -> b.merge(le, n, Double::sum));
            return new Sample(requests + o.requests, errors + o.errors, b);
        }

        /** This sample minus an earlier one (a counter that went down was reset: its node restarted, so it counts from 0). */
        Sample since(Sample earlier) {
            TreeMap<Double, Double> b = new TreeMap<>();
            buckets.forEach((le, n) -> {
                double before = earlier.buckets.getOrDefault(le, 0.0);
                b.put(le, n >= before ? n - before : n);
            });
            return new Sample(requests >= earlier.requests ? requests - earlier.requests : requests,
                    errors >= earlier.errors ? errors - earlier.errors : errors, b);
        }

        double errorPercent() {
            return requests <= 0 ? 0 : 100.0 * errors / requests;
        }

        /** The upper bound of the bucket holding the 99th percentile, or NaN without requests. */
        double p99UpperBound() {
            Double total = buckets.isEmpty() ? null : buckets.lastEntry().getValue();
            if (total == null || total <= 0) {
                return Double.NaN;
            }
            for (Map.Entry<Double, Double> e : buckets.entrySet()) {
                if (e.getValue() >= 0.99 * total) {
                    return e.getKey();
                }
            }
            return Double.POSITIVE_INFINITY;
        }
    }

    /** Sums the request counters and latency buckets of one node's scrape. */
    static Sample parse(String text) {
        double requests = 0;
        double errors = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("physalia_requests_total{")) {
                Map<String, String> labels = labels(line);
                double v = value(line);
                requests += v;
                if (SERVER_ERRORS.contains(labels.get("result"))) {
                    errors += v;
                }
            } else if (line.startsWith("physalia_request_duration_seconds_bucket{")) {
                String le = labels(line).get("le");
                if (le != null) {
                    double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    buckets.merge(bound, value(line), Double::sum);
                }
            }
        }
        return new Sample(requests, errors, buckets);
    }

    static Sample sum(List<Sample> samples) {
        Sample s = Sample.ZERO;
        for (Sample x : samples) {
            s = s.plus(x);
        }
        return s;
    }

    private static double value(String line) {
        int sp = line.lastIndexOf(' ');
        return Double.parseDouble(line.substring(sp + 1).trim());
    }

    /** The labels of a sample line: {@code name{a="x",b="y",} value}; values hold no quotes here. */
    private static Map<String, String> labels(String line) {
        Map<String, String> out = new HashMap<>();
        int open = line.indexOf('{');
        int close = line.lastIndexOf('}');
        if (open < 0 || close < open) {
            return out;
        }
        for (String pair : line.substring(open + 1, close).split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.length() >= eq + 3) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 2, pair.length() - 1));
            }
        }
        return out;
    }

    /**
     * Whether the rolled color did worse over the window than its baseline (the colors it is
     * compared with), by the policy: the error rate more than {@code maxErrorRatePercent} points
     * above, or the p99 latency bound more than {@code maxLatencyRegressionPercent} above. A side
     * that served fewer than {@code minRequests} is not compared (too few to say); without a
     * baseline, the rolled color's own error rate is held to the allowed rise alone.
     */
    static Rollout.Evidence compare(String color, Sample rolled, Sample baseline, int maxErrorRatePercent,
            int maxLatencyRegressionPercent, int minRequests) {
        if (rolled.requests() < minRequests) {
            return new Rollout.Evidence.Fine();
        }
        boolean baselineKnown = baseline.requests() >= minRequests;
        double base = baselineKnown ? baseline.errorPercent() : 0;
        if (rolled.errorPercent() - base > maxErrorRatePercent) {
            return new Rollout.Evidence.Regressed(String.format(java.util.Locale.ROOT,
                    "color %s answered %.1f%% of %d requests with a server error in its validation window, against %s (allowed rise %d points)",
                    color, rolled.errorPercent(), (long) rolled.requests(),
                    baselineKnown ? String.format(java.util.Locale.ROOT, "%.1f%% for the colors it is compared with", base) : "0% with no baseline traffic",
                    maxErrorRatePercent));
        }
        if (baselineKnown) {
            double r = rolled.p99UpperBound();
            double b = baseline.p99UpperBound();
            if (!Double.isNaN(r) && !Double.isNaN(b) && r > b * (1 + maxLatencyRegressionPercent / 100.0)) {
                return new Rollout.Evidence.Regressed(String.format(java.util.Locale.ROOT,
                        "color %s's p99 latency is at most %s s in its validation window, against at most %s s for the colors it is compared with (allowed rise %d%%)",
                        color, r, b, maxLatencyRegressionPercent));
            }
        }
        return new Rollout.Evidence.Fine();
    }
}
