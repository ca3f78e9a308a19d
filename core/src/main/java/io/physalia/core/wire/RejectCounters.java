package io.physalia.core.wire;

import java.util.EnumMap;
import java.util.Map;

/**
 * How many frames a codec dropped, by reason, since it was created. Plain longs: a codec and its
 * counters belong to one thread; a metrics exporter copies them with {@link #snapshot()} on that
 * thread.
 */
public final class RejectCounters {
    private final long[] counts = new long[DecodeResult.Reason.values().length];

    /** Only a codec counts its own rejections. */
    RejectCounters() {}

    void record(DecodeResult.Reason reason) {
        counts[reason.ordinal()]++;
    }

    public long count(DecodeResult.Reason reason) {
        return counts[reason.ordinal()];
    }

    public long total() {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }

    /** A copy with every reason present (zeros included), so exported series never disappear. */
    public Map<DecodeResult.Reason, Long> snapshot() {
        Map<DecodeResult.Reason, Long> copy = new EnumMap<>(DecodeResult.Reason.class);
        for (DecodeResult.Reason r : DecodeResult.Reason.values()) {
            copy.put(r, counts[r.ordinal()]);
        }
        return copy;
    }

    @Override
    public String toString() {
        return "RejectCounters" + snapshot();
    }
}
