package io.physalia.simworld;

import java.util.Objects;
import java.util.function.LongConsumer;
import java.util.stream.LongStream;

/**
 * Which seeds a swarm test runs, and how a failure names its seed. The build passes
 * {@code -Dsimworld.seeds=N} (how many seeds, see the parent POM) and {@code -Dsimworld.seed=S}
 * (replay exactly one seed, overriding the count).
 */
public final class SimSeeds {
    public static final String SEED_PROPERTY = "simworld.seed";
    public static final String COUNT_PROPERTY = "simworld.seeds";

    private SimSeeds() {}

    /** The seeds selected by the system properties, or {@code 0..defaultCount-1} if neither is set. */
    public static long[] fromSystemProperties(int defaultCount) {
        return select(System.getProperty(SEED_PROPERTY), System.getProperty(COUNT_PROPERTY), defaultCount);
    }

    /** {@link #fromSystemProperties} with the property values passed in; blank means unset. */
    public static long[] select(String seed, String count, int defaultCount) {
        if (seed != null && !seed.isBlank()) {
            return new long[] {parse(SEED_PROPERTY, seed)};
        }
        long n = count != null && !count.isBlank() ? parse(COUNT_PROPERTY, count) : defaultCount;
        if (n < 1) {
            throw new IllegalArgumentException(COUNT_PROPERTY + " must be >= 1, was " + n);
        }
        return LongStream.range(0, n).toArray();
    }

    /**
     * Runs {@code body} once per seed and stops at the first failure, rethrown as an
     * {@link AssertionError} that says which seed failed and how to replay it.
     */
    public static void forEach(long[] seeds, LongConsumer body) {
        Objects.requireNonNull(body, "body");
        for (long seed : seeds) {
            try {
                body.accept(seed);
            } catch (RuntimeException | AssertionError failure) {
                throw new AssertionError("simulation failed with seed " + seed + " (replay: -D" + SEED_PROPERTY + "=" + seed
                        + "): " + failure.getMessage(), failure);
            }
        }
    }

    private static long parse(String property, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " must be a number, was '" + value + "'", e);
        }
    }
}
