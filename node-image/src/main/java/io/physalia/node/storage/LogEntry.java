package io.physalia.node.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The layout of one entry of the node log: a cell's {@code RecordCodec} frame behind a small
 * header that names the cell. All integers big-endian.
 * <pre>
 *  offset     size  field
 *       0        2  cell id length C (1..{@value #MAX_CELL_BYTES})
 *       2        C  cell id, UTF-8
 *     2+C        4  record frame length R
 *     6+C        4  CRC32C of bytes [0, 6+C): the header so far
 *    10+C        R  the record, as RecordCodec framed it (it carries its own CRC32C)
 * </pre>
 * The header checksum lets recovery trust the cell id and the record length even when the
 * record itself is damaged, so one damaged record refuses one cell, not the node. An entry with
 * {@code R = 0} carries no record: it says the node stopped hosting the cell (a drop).
 */
final class LogEntry {
    static final int MAX_CELL_BYTES = 1024;
    static final int FIXED_HEADER_BYTES = 10;

    private LogEntry() {}

    static byte[] encode(String cell, byte[] recordFrame) {
        byte[] id = cell.getBytes(StandardCharsets.UTF_8);
        if (id.length == 0 || id.length > MAX_CELL_BYTES) {
            throw new IllegalArgumentException("cell id must be 1.." + MAX_CELL_BYTES + " UTF-8 bytes, was " + id.length);
        }
        ByteBuffer b = ByteBuffer.allocate(FIXED_HEADER_BYTES + id.length + recordFrame.length);
        b.putShort((short) id.length);
        b.put(id);
        b.putInt(recordFrame.length);
        b.putInt(headerCrc(b.array(), 0, 6 + id.length));
        b.put(recordFrame);
        return b.array();
    }

    /** The entry that says the node stopped hosting {@code cell}. */
    static byte[] encodeDrop(String cell) {
        return encode(cell, new byte[0]);
    }

    static int headerCrc(byte[] buf, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf, offset, length);
        return (int) crc.getValue();
    }

    /** A parsed header: where the record starts, how long it is and whose it is. */
    record Header(String cell, int recordOffset, int recordBytes) {
        int end() {
            return recordOffset + recordBytes;
        }

        boolean isDrop() {
            return recordBytes == 0;
        }
    }

    /** The header at {@code pos}, or null if it is cut short or fails its checksum. */
    static Header readHeader(byte[] buf, int pos, int limit, int maxRecordBytes) {
        if (limit - pos < 2) {
            return null;
        }
        int c = (buf[pos] & 0xFF) << 8 | (buf[pos + 1] & 0xFF);
        if (c == 0 || c > MAX_CELL_BYTES || limit - pos < FIXED_HEADER_BYTES + c) {
            return null;
        }
        int lenAt = pos + 2 + c;
        int r = readInt(buf, lenAt);
        int crc = readInt(buf, lenAt + 4);
        if (crc != headerCrc(buf, pos, 6 + c) || r < 0 || r > maxRecordBytes) {
            return null;
        }
        return new Header(new String(buf, pos + 2, c, StandardCharsets.UTF_8), lenAt + 8, r);
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
