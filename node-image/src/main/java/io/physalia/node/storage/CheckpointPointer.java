package io.physalia.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The small file that names the checkpoint store's current generation: which of the two MapDB
 * files holds it, which log segments it covers, and whether the other file still holds the
 * generation before it untouched (so the next checkpoint can bring it up to date instead of
 * rewriting it whole). Replaced atomically: written to a temporary file, synced, renamed over
 * the old one, directory synced. All integers big-endian:
 * <pre>
 *  offset  size  field
 *       0     8  magic "PHYSCKPT"
 *       8     1  format version (1)
 *       9     8  generation (1, 2, ...)
 *      17     1  current file: 'a' or 'b'
 *      18     8  the last log segment the generation covers
 *      26     1  1 if the other file holds generation - 1, closed cleanly; else 0
 *      27     4  CRC32C of bytes [0, 27)
 * </pre>
 */
record CheckpointPointer(long generation, char current, long compactedThrough, boolean spareHoldsPrevious) {
    static final String FILE_NAME = "pointer";
    private static final byte[] MAGIC = "PHYSCKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int BYTES = 31;

    CheckpointPointer {
        if (current != 'a' && current != 'b') {
            throw new IllegalArgumentException("current checkpoint file must be 'a' or 'b', was " + current);
        }
    }

    char spare() {
        return current == 'a' ? 'b' : 'a';
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.put(MAGIC);
        b.put((byte) 1);
        b.putLong(generation);
        b.put((byte) current);
        b.putLong(compactedThrough);
        b.put((byte) (spareHoldsPrevious ? 1 : 0));
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, BYTES - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** The pointer in {@code dir}, or null if there is none yet (no checkpoint was ever made). */
    static CheckpointPointer read(Path dir) throws IOException {
        Path f = dir.resolve(FILE_NAME);
        if (!Files.exists(f)) {
            return null;
        }
        byte[] b = Files.readAllBytes(f);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, Math.max(0, Math.min(b.length, BYTES) - 4));
        ByteBuffer in = ByteBuffer.wrap(b);
        if (b.length != BYTES || in.getInt(BYTES - 4) != (int) crc.getValue()
                || !java.util.Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IOException("checkpoint pointer " + f + " is damaged (" + b.length
                    + " bytes, checksum or magic wrong); the checkpoint it names cannot be trusted");
        }
        in.position(MAGIC.length);
        int version = in.get();
        if (version != 1) {
            throw new IOException("checkpoint pointer " + f + " has unknown format version " + version);
        }
        long generation = in.getLong();
        char current = (char) in.get();
        long compactedThrough = in.getLong();
        boolean spareOk = in.get() == 1;
        if (generation < 1 || compactedThrough < 1 || (current != 'a' && current != 'b')) {
            throw new IOException("checkpoint pointer " + f + " holds impossible values: generation " + generation
                    + ", file '" + current + "', segments through " + compactedThrough);
        }
        return new CheckpointPointer(generation, current, compactedThrough, spareOk);
    }

    /** Replaces the pointer in {@code dir} with this one, durably. */
    void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(encode());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        NodeLog.syncDirectory(dir);
    }
}
