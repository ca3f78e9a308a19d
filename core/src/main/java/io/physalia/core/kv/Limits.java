package io.physalia.core.kv;

/**
 * The size limits of a cell. They are part of the state machine's specification (DESIGN.md
 * section 3): every replica must use the same limits, or replicas could disagree on whether a
 * transaction fits. A key counts its UTF-8 bytes; a value counts its length for bytes, its minimal
 * two's-complement length for an integer and one byte for a boolean.
 *
 * @param maxKeyBytes         longest key, in UTF-8 bytes (also bounds scan prefixes and range bounds)
 * @param maxValueBytes       largest single value
 * @param maxKeysPerCell      most keys one cell may hold
 * @param maxOpsPerTxn        most ops in one transaction
 * @param maxConditionsPerTxn most conditions in one transaction
 * @param maxPageSize         largest scan page a client may ask for
 * @param maxIntBits          largest integer, as {@link java.math.BigInteger#bitLength()}
 * @param maxCellBytes        most bytes of keys plus values one cell may hold
 */
public record Limits(int maxKeyBytes, int maxValueBytes, int maxKeysPerCell, int maxOpsPerTxn,
                     int maxConditionsPerTxn, int maxPageSize, int maxIntBits, long maxCellBytes) {

    public static final Limits DEFAULT = new Limits(1024, 65_536, 10_000, 64, 64, 1000, 1024, 16L * 1024 * 1024);

    public Limits {
        requirePositive("maxKeyBytes", maxKeyBytes);
        requirePositive("maxValueBytes", maxValueBytes);
        requirePositive("maxKeysPerCell", maxKeysPerCell);
        requirePositive("maxOpsPerTxn", maxOpsPerTxn);
        requirePositive("maxConditionsPerTxn", maxConditionsPerTxn);
        requirePositive("maxPageSize", maxPageSize);
        requirePositive("maxIntBits", maxIntBits);
        requirePositive("maxCellBytes", maxCellBytes);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("Limits." + name + " must be positive, got " + value);
        }
    }
}
