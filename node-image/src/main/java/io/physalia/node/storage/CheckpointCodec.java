package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.wire.RecordCodec;
import io.physalia.core.wire.RecordResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The stored form of one cell's checkpoint, the value under the cell's id in the checkpoint
 * store. All integers big-endian.
 * <pre>
 *  offset  size  field
 *       0     4  CRC32C of every byte after this field
 *       4     1  format version (1)
 *       5     1  kind: 1 = records, 2 = refused
 *       6     8  checkpoint generation that wrote it
 *      14     2  cell id length C, then C bytes of UTF-8 cell id
 *  records:      4  record count N, then N RecordCodec frames (each with its own length and CRC32C)
 *  refused:      2  reason length L, then L bytes of UTF-8 reason
 * </pre>
 * The whole-value checksum catches a value cut short or mixed up; the cell id inside catches a
 * value filed under the wrong key. Decoding never trusts a value that fails either.
 */
final class CheckpointCodec {
    static final int VERSION = 1;
    private static final int KIND_RECORDS = 1;
    private static final int KIND_REFUSED = 2;

    private CheckpointCodec() {}

    /** A decoded checkpoint: exactly one of {@code records} and {@code refusal} is set. */
    record Checkpoint(String cell, long generation, List<DurableRecord> records, String refusal) {}

    static byte[] encodeRecords(String cell, long generation, List<DurableRecord> records, RecordCodec codec) {
        List<byte[]> frames = new ArrayList<>(records.size());
        int total = 4;
        for (DurableRecord r : records) {
            byte[] f = codec.encode(r);
            frames.add(f);
            total += f.length;
        }
        ByteBuffer b = header(cell, generation, KIND_RECORDS, total);
        b.putInt(records.size());
        frames.forEach(b::put);
        return seal(b);
    }

    static byte[] encodeRefused(String cell, long generation, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        if (r.length > 4000) {
            r = java.util.Arrays.copyOf(r, 4000);
        }
        ByteBuffer b = header(cell, generation, KIND_REFUSED, 2 + r.length);
        b.putShort((short) r.length);
        b.put(r);
        return seal(b);
    }

    private static ByteBuffer header(String cell, long generation, int kind, int bodyBytes) {
        byte[] id = cell.getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > LogEntry.MAX_CELL_BYTES) {
            throw new IllegalArgumentException("cell id must be 1.." + LogEntry.MAX_CELL_BYTES + " UTF-8 bytes, was " + id.length);
        }
        ByteBuffer b = ByteBuffer.allocate(16 + id.length + bodyBytes);
        b.putInt(0); // checksum, set by seal
        b.put((byte) VERSION);
        b.put((byte) kind);
        b.putLong(generation);
        b.putShort((short) id.length);
        b.put(id);
        return b;
    }

    private static byte[] seal(ByteBuffer b) {
        byte[] out = b.array();
        b.putInt(0, crc(out));
        return out;
    }

    private static int crc(byte[] value) {
        CRC32C c = new CRC32C();
        c.update(value, 4, value.length - 4);
        return (int) c.getValue();
    }

    /**
     * The checkpoint stored under {@code key}.
     *
     * @throws IllegalArgumentException saying what is wrong if the value is damaged or not the key's
     */
    static Checkpoint decode(String key, byte[] value, RecordCodec codec) {
        if (value == null || value.length < 16) {
            throw new IllegalArgumentException("checkpoint value is " + (value == null ? "missing" : "too short"));
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        if (b.getInt() != crc(value)) {
            throw new IllegalArgumentException("checkpoint value fails its checksum");
        }
        int version = b.get();
        if (version != VERSION) {
            throw new IllegalArgumentException("unknown checkpoint format version " + version);
        }
        int kind = b.get();
        long generation = b.getLong();
        int idLen = b.getShort() & 0xFFFF;
        if (idLen > b.remaining()) {
            throw new IllegalArgumentException("checkpoint cell id runs past the value");
        }
        String cell = new String(value, b.position(), idLen, StandardCharsets.UTF_8);
        b.position(b.position() + idLen);
        if (!cell.equals(key)) {
            throw new IllegalArgumentException("checkpoint stored under '" + key + "' belongs to cell '" + cell + "'");
        }
        if (kind == KIND_REFUSED) {
            int len = b.getShort() & 0xFFFF;
            String reason = new String(value, b.position(), Math.min(len, b.remaining()), StandardCharsets.UTF_8);
            return new Checkpoint(cell, generation, null, reason);
        }
        if (kind != KIND_RECORDS) {
            throw new IllegalArgumentException("unknown checkpoint kind " + kind);
        }
        int n = b.getInt();
        if (n < 1) {
            throw new IllegalArgumentException("checkpoint holds " + n + " records");
        }
        List<DurableRecord> records = new ArrayList<>(Math.min(n, 1024));
        int pos = b.position();
        for (int i = 0; i < n; i++) {
            RecordResult rr = codec.decode(value, pos, value.length - pos);
            if (!(rr instanceof RecordResult.Ok ok)) {
                throw new IllegalArgumentException("checkpoint record " + i + " of " + n + " is damaged: " + rr);
            }
            records.add(ok.record());
            pos += ok.frameBytes();
        }
        if (pos != value.length) {
            throw new IllegalArgumentException((value.length - pos) + " bytes after the checkpoint's records");
        }
        if (!(records.get(0) instanceof DurableRecord.Identity)) {
            throw new IllegalArgumentException("checkpoint does not start with the cell's Identity record");
        }
        return new Checkpoint(cell, generation, records, null);
    }
}
