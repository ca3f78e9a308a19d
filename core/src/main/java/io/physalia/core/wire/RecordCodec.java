package io.physalia.core.wire;

import io.physalia.core.paxos.DurableRecord;
import java.util.zip.CRC32C;

/**
 * Frames {@link DurableRecord}s for storage, where the threat is a torn write or a flipped bit,
 * not an attacker, so a checksum stands in for the HMAC:
 * <pre>
 *  offset  size  field
 *       0     4  payload length N (big-endian)
 *       4     4  CRC32C of bytes [0, 4) and [8, 8+N): the length and the payload
 *       8     1  format version (1)
 *       9   N-1  record: tag, then fields
 * </pre>
 * The checksum covers the length, so a damaged length is caught too (with the checksum's
 * strength). Stateless and thread-safe.
 */
public final class RecordCodec {
    public static final int FORMAT_VERSION = 1;
    public static final int HEADER_BYTES = 8;
    public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private final int maxRecordBytes;

    public RecordCodec() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    public RecordCodec(int maxRecordBytes) {
        if (maxRecordBytes < HEADER_BYTES + 2) {
            throw new IllegalArgumentException("maxRecordBytes " + maxRecordBytes + " cannot hold any record");
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * The stored form of {@code record}.
     *
     * @throws IllegalArgumentException if it would exceed the maximum record size or a value has
     *     no encoding
     */
    public byte[] encode(DurableRecord record) {
        ByteWriter w = new ByteWriter(64, maxRecordBytes);
        w.writeFixedInt(0); // length, patched below
        w.writeFixedInt(0); // checksum, patched below
        w.writeByte(FORMAT_VERSION);
        PaxosCodec.writeRecord(w, record);
        int payloadBytes = w.size() - HEADER_BYTES;
        w.setFixedInt(0, payloadBytes);
        byte[] out = w.toByteArray();
        writeInt(out, 4, checksum(out, 0, payloadBytes));
        return out;
    }

    /** The length of {@code encode(record)}, computed without building it. */
    public int encodedSize(DurableRecord record) {
        ByteWriter counter = ByteWriter.sizeCounter();
        PaxosCodec.writeRecord(counter, record);
        return HEADER_BYTES + 1 + counter.size();
    }

    /** Decodes the one record that must fill {@code stored} exactly. */
    public RecordResult decode(byte[] stored) {
        RecordResult result = decode(stored, 0, stored.length);
        if (result instanceof RecordResult.Ok ok && ok.frameBytes() != stored.length) {
            return new RecordResult.Corrupt((stored.length - ok.frameBytes()) + " bytes after the record");
        }
        return result;
    }

    /**
     * Decodes the record starting at {@code offset} within the {@code length} bytes from there
     * (bytes after it are left alone: they are the next records). Never throws for any content.
     */
    public RecordResult decode(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset > buf.length - length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", +" + length + ") outside " + buf.length + " bytes");
        }
        if (length < HEADER_BYTES) {
            return new RecordResult.Truncated(length + " bytes are shorter than a record header");
        }
        long payloadBytes = Integer.toUnsignedLong(FrameLayout.readInt(buf, offset));
        if (payloadBytes < 2 || payloadBytes > maxRecordBytes - HEADER_BYTES) {
            // No record this codec writes has such a length: damage, not a torn write.
            return new RecordResult.Corrupt("impossible payload length " + payloadBytes);
        }
        if (payloadBytes > length - HEADER_BYTES) {
            return new RecordResult.Truncated((length - HEADER_BYTES) + " of " + payloadBytes + " payload bytes");
        }
        int n = (int) payloadBytes;
        int stored = FrameLayout.readInt(buf, offset + 4);
        if (stored != checksum(buf, offset, n)) {
            return new RecordResult.Corrupt("checksum mismatch");
        }
        return parsePayload(buf, offset + HEADER_BYTES, n);
    }

    private static RecordResult parsePayload(byte[] buf, int start, int n) {
        try {
            ByteReader r = new ByteReader(buf, start, n);
            int version = r.readByte();
            if (version != FORMAT_VERSION) {
                return new RecordResult.Corrupt("unknown record format version " + version);
            }
            DurableRecord record = PaxosCodec.readRecord(r);
            r.expectEnd();
            return new RecordResult.Ok(record, HEADER_BYTES + n);
        } catch (WireFormatException e) {
            return new RecordResult.Corrupt(e.getMessage());
        } catch (IllegalArgumentException e) {
            return new RecordResult.Corrupt("invalid value: " + e.getMessage());
        } catch (RuntimeException e) {
            return new RecordResult.Corrupt(WireCodec.UNEXPECTED_PREFIX + e);
        }
    }

    /** CRC32C over the length field and the payload of the record at {@code offset}. */
    static int checksum(byte[] buf, int offset, int payloadBytes) {
        CRC32C crc = new CRC32C();
        crc.update(buf, offset, 4);
        crc.update(buf, offset + HEADER_BYTES, payloadBytes);
        return (int) crc.getValue();
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
