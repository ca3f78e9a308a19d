package io.physalia.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void secondsScaleToMillisAndMicros() {
        assertEquals("12.3 ms", Units.format("s", 0.012345));
        assertEquals("250 µs", Units.format("s", 0.00025));
        assertEquals("1.5 s", Units.format("s", 1.5));
        assertEquals("0 s", Units.format("s", 0));
    }

    @Test
    void ratiosArePercentagesAndRatesCarryTheirUnit() {
        assertEquals("5%", Units.format("percentunit", 0.05));
        assertEquals("100%", Units.format("percentunit", 1));
        assertEquals("12.5 req/s", Units.format("reqps", 12.5));
        assertEquals("1.5k req/s", Units.format("reqps", 1500));
    }

    @Test
    void shortUsesSuffixesAndIgnoresTheLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // a decimal comma must not reach the SVG
            assertEquals("2", Units.format("short", 2));
            assertEquals("2.35M", Units.format("short", 2_345_678));
            assertEquals("0.333", Units.format("short", 1.0 / 3));
            assertEquals("-4k", Units.format("unknown-unit", -4000));
        } finally {
            Locale.setDefault(before);
        }
    }
}
