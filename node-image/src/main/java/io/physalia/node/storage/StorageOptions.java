package io.physalia.node.storage;

import java.util.List;
import java.util.Locale;

/**
 * How the node's storage is sized.
 *
 * @param segmentBytes       the node log starts a new segment file once the current one holds this much
 * @param checkpointLogBytes a checkpoint folds the sealed segments into the checkpoint store once they
 *                           hold this much; restart replays at most about this plus one segment of log
 */
public record StorageOptions(long segmentBytes, long checkpointLogBytes) {
    public static final long MIN_SEGMENT_BYTES = 4096;
    public static final long MAX_SEGMENT_BYTES = 1L << 30;
    public static final long MAX_CHECKPOINT_LOG_BYTES = 64L << 30;
    public static final StorageOptions DEFAULT = new StorageOptions(32L << 20, 128L << 20);

    public StorageOptions {
        List<String> problems = problems(segmentBytes, checkpointLogBytes);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** What is wrong with these sizes, one sentence each (empty if they are fine). */
    public static List<String> problems(long segmentBytes, long checkpointLogBytes) {
        List<String> out = new java.util.ArrayList<>();
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            out.add("log segment size " + segmentBytes + " must be between " + MIN_SEGMENT_BYTES + " bytes and 1 GiB");
        }
        if (checkpointLogBytes < segmentBytes || checkpointLogBytes > MAX_CHECKPOINT_LOG_BYTES) {
            out.add("checkpoint log size " + checkpointLogBytes + " must be at least the segment size (" + segmentBytes
                    + ") and at most 64 GiB");
        }
        return out;
    }

    /**
     * A byte count written as digits with an optional binary suffix: {@code 4096}, {@code 64k},
     * {@code 32m}, {@code 1g} (KiB, MiB, GiB).
     *
     * @throws IllegalArgumentException naming the text if it is not one
     */
    public static long parseBytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                default -> { }
            }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a byte count (digits with an optional k, m or g)");
        }
        return Long.parseLong(digits) * unit;
    }
}
