package io.physalia.monitoring;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Values in the units the dashboard's panels name (Grafana's unit ids), as Grafana would print
 * them on an axis: {@code s} scaled to ms or µs, {@code percentunit} (a ratio) as a percentage,
 * {@code reqps} with "req/s", {@code short} (and any other) with k/M suffixes. Three significant
 * digits: an axis label, not a measurement.
 */
final class Units {
    private Units() {}

    static String format(String unit, double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return switch (unit) {
            case "s" -> seconds(v);
            case "percentunit" -> number(v * 100) + "%";
            case "reqps" -> scaled(v) + " req/s";
            default -> scaled(v);
        };
    }

    private static String seconds(double v) {
        double a = Math.abs(v);
        if (a == 0 || a >= 1) {
            return number(v) + " s";
        }
        return a >= 1e-3 ? number(v * 1e3) + " ms" : number(v * 1e6) + " µs";
    }

    private static String scaled(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return number(v / 1e6) + "M";
        }
        return a >= 1e3 ? number(v / 1e3) + "k" : number(v);
    }

    /** Three significant digits, no exponent, no trailing zeros, whatever the default locale. */
    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
