package io.physalia.simworld.net;

import io.physalia.simworld.SimRandom;

/** What a fault rule does to a message it matches. Parameters are validated on construction. */
public sealed interface Fault permits Fault.Drop, Fault.Delay, Fault.Duplicate, Fault.Reorder {

    /** Loses the message with the given probability. */
    record Drop(double probability) implements Fault {
        public Drop {
            SimRandom.requireProbability(probability);
        }
    }

    /** Adds an extra delay drawn uniformly from [min, max]. On a FIFO link later messages queue behind it. */
    record Delay(long minExtraMillis, long maxExtraMillis) implements Fault {
        public Delay {
            requireRange(minExtraMillis, maxExtraMillis);
        }
    }

    /** With the given probability, sends a second copy that travels independently (its own delay, outside FIFO order). */
    record Duplicate(double probability) implements Fault {
        public Duplicate {
            SimRandom.requireProbability(probability);
        }
    }

    /**
     * With the given probability, holds the message back by up to {@code maxExtraMillis} outside
     * the link's FIFO order, so messages sent after it can overtake it.
     */
    record Reorder(double probability, long maxExtraMillis) implements Fault {
        public Reorder {
            SimRandom.requireProbability(probability);
            if (maxExtraMillis < 1) {
                throw new IllegalArgumentException("maxExtraMillis must be >= 1, was " + maxExtraMillis);
            }
        }
    }

    static Fault drop(double probability) {
        return new Drop(probability);
    }

    static Fault dropAll() {
        return new Drop(1.0);
    }

    static Fault delay(long minExtraMillis, long maxExtraMillis) {
        return new Delay(minExtraMillis, maxExtraMillis);
    }

    static Fault duplicate(double probability) {
        return new Duplicate(probability);
    }

    static Fault reorder(double probability, long maxExtraMillis) {
        return new Reorder(probability, maxExtraMillis);
    }

    private static void requireRange(long min, long max) {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("need 0 <= min <= max, was [" + min + ", " + max + "]");
        }
    }
}
