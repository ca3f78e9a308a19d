package io.physalia.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ColorMetricsTest {
    private static String scrape(int applied, int unknown, int fastCount, int slowCount) {
        int total = fastCount + slowCount;
        return String.join("\n",
                "# TYPE physalia_requests_total counter",
                "physalia_requests_total{colony=\"c\",color=\"blue\",node=\"n1\",op=\"write\",result=\"applied\",} " + applied + ".0",
                "physalia_requests_total{colony=\"c\",color=\"blue\",node=\"n1\",op=\"write\",result=\"outcome_unknown\",} " + unknown + ".0",
                "physalia_requests_total{colony=\"c\",color=\"blue\",node=\"n1\",op=\"read\",result=\"redirect\",} 0.0",
                "physalia_request_duration_seconds_bucket{colony=\"c\",color=\"blue\",node=\"n1\",op=\"write\",result=\"applied\",le=\"0.005\",} " + fastCount + ".0",
                "physalia_request_duration_seconds_bucket{colony=\"c\",color=\"blue\",node=\"n1\",op=\"write\",result=\"applied\",le=\"0.5\",} " + total + ".0",
                "physalia_request_duration_seconds_bucket{colony=\"c\",color=\"blue\",node=\"n1\",op=\"write\",result=\"applied\",le=\"+Inf\",} " + total + ".0",
                "physalia_request_duration_seconds_count{colony=\"c\",color=\"blue\",node=\"n1\",op=\"write\",result=\"applied\",} " + total + ".0",
                "");
    }

    @Test
    void parsesRequestsErrorsAndBuckets() {
        ColorMetrics.Sample s = ColorMetrics.parse(scrape(90, 10, 100, 0));
        assertEquals(100, s.requests());
        assertEquals(10, s.errors());
        assertEquals(10.0, s.errorPercent(), 1e-9);
        assertEquals(0.005, s.p99UpperBound());
    }

    @Test
    void aWindowIsTheDifferenceOfTwoSamplesAndAResetCountsFromZero() {
        ColorMetrics.Sample a = ColorMetrics.parse(scrape(100, 0, 100, 0));
        ColorMetrics.Sample b = ColorMetrics.parse(scrape(300, 50, 200, 150));
        ColorMetrics.Sample w = b.since(a);
        assertEquals(250, w.requests());
        assertEquals(50, w.errors());
        assertEquals(0.5, w.p99UpperBound());
        // a node restarted: its counters start again below the earlier sample
        ColorMetrics.Sample r = ColorMetrics.parse(scrape(5, 0, 5, 0)).since(a);
        assertEquals(5, r.requests());
    }

    @Test
    void comparesErrorRateAndLatencyByThePolicy() {
        ColorMetrics.Sample good = ColorMetrics.parse(scrape(1000, 0, 1000, 0));
        ColorMetrics.Sample errors = ColorMetrics.parse(scrape(900, 100, 1000, 0));
        ColorMetrics.Sample slow = ColorMetrics.parse(scrape(1000, 0, 500, 500));
        assertInstanceOf(Rollout.Evidence.Fine.class, ColorMetrics.compare("blue", good, good, 1, 50, 100));
        var e = assertInstanceOf(Rollout.Evidence.Regressed.class, ColorMetrics.compare("blue", errors, good, 1, 50, 100));
        assertTrue(e.why().contains("10.0% of 1000 requests"), e.why());
        assertInstanceOf(Rollout.Evidence.Regressed.class, ColorMetrics.compare("blue", slow, good, 1, 50, 100));
        assertInstanceOf(Rollout.Evidence.Fine.class, ColorMetrics.compare("blue", slow, good, 1, 1000000, 100));
        // too few requests to say: no halt; no baseline traffic: errors held to the allowed rise alone
        assertInstanceOf(Rollout.Evidence.Fine.class, ColorMetrics.compare("blue", errors, good, 1, 50, 5000));
        assertInstanceOf(Rollout.Evidence.Regressed.class, ColorMetrics.compare("blue", errors, ColorMetrics.Sample.ZERO, 1, 50, 100));
        assertInstanceOf(Rollout.Evidence.Fine.class, ColorMetrics.compare("blue", slow, ColorMetrics.Sample.ZERO, 1, 50, 100));
    }
}
