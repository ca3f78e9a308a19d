package io.physalia.core.wire;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Log values and snapshots on their own, in the same encoding frames and records use inside.
 * Sizes matter to the protocol (a teacher sends a log segment or a snapshot, whichever is
 * smaller), so they can be measured without building the bytes. These bytes carry no version:
 * store them only inside a versioned container such as a {@link RecordCodec} record.
 */
public final class ValueCodecs {
    /** The largest integer value, in two's-complement bytes, that can be encoded. */
    public static final int MAX_INTEGER_BYTES = KvCodec.MAX_INTEGER_BYTES;

    private ValueCodecs() {}

    public static byte[] encode(Batch batch) {
        return encode(batch, CellCodec::writeBatch);
    }

    public static int encodedSize(Batch batch) {
        return size(batch, CellCodec::writeBatch);
    }

    /** @throws WireFormatException if {@code bytes} is not exactly one encoded batch */
    public static Batch decodeBatch(byte[] bytes) {
        return decode(bytes, CellCodec::readBatch);
    }

    public static byte[] encode(CellSnapshot snapshot) {
        return encode(snapshot, CellCodec::writeSnapshot);
    }

    public static int encodedSize(CellSnapshot snapshot) {
        return size(snapshot, CellCodec::writeSnapshot);
    }

    /** @throws WireFormatException if {@code bytes} is not exactly one encoded snapshot */
    public static CellSnapshot decodeSnapshot(byte[] bytes) {
        return decode(bytes, CellCodec::readSnapshot);
    }

    private static <T> byte[] encode(T value, BiConsumer<ByteWriter, T> writer) {
        ByteWriter w = new ByteWriter();
        writer.accept(w, value);
        return w.toByteArray();
    }

    private static <T> int size(T value, BiConsumer<ByteWriter, T> writer) {
        ByteWriter counter = ByteWriter.sizeCounter();
        writer.accept(counter, value);
        return counter.size();
    }

    private static <T> T decode(byte[] bytes, Function<ByteReader, T> reader) {
        ByteReader r = new ByteReader(bytes);
        try {
            T value = reader.apply(r);
            r.expectEnd();
            return value;
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("invalid value: " + e.getMessage());
        }
    }
}
