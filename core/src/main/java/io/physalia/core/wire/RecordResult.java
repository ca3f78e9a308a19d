package io.physalia.core.wire;

import io.physalia.core.paxos.DurableRecord;
import java.util.Objects;

/** What {@link RecordCodec#decode} found at an offset of a record log. */
public sealed interface RecordResult permits RecordResult.Ok, RecordResult.Truncated, RecordResult.Corrupt {

    /** A whole, intact record; the next one starts {@code frameBytes} after this one. */
    record Ok(DurableRecord record, int frameBytes) implements RecordResult {
        public Ok {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * The bytes end before the record does. At the end of a log this is a write torn by a crash
     * (the record was never acknowledged, so the tail can be cut here); anywhere else it is damage.
     */
    record Truncated(String detail) implements RecordResult {}

    /** The bytes are there but wrong: checksum mismatch, impossible length, or a body that does not decode. */
    record Corrupt(String detail) implements RecordResult {}
}
