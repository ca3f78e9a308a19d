package io.physalia.core.wire;

/**
 * The layout of an inter-node frame (all integers big-endian):
 * <pre>
 *  offset  size  field
 *       0     2  magic 0x50 0x68 ("Ph")
 *       2     1  format version (2)
 *       3     1  message type
 *       4     4  key id of the HMAC key
 *       8     8  session: the receiving end's id of the connection (0: not sequenced)
 *      16     8  sequence number within the session, from 1, increasing
 *      24     4  body length N
 *      28     N  body: cell, from, to, then the message's fields (a ping: its own fields)
 *    28+N    32  HMAC-SHA256 of bytes [0, 28+N)
 * </pre>
 * The MAC covers the header too, so the type, key id, session and sequence cannot be altered
 * either. A stream transport reads {@link #HEADER_BYTES}, asks {@link #frameBytes} how long the
 * frame is, checks that against its own limit and then reads the rest. Session and sequence are
 * what makes a replayed frame detectable ({@link SessionGuard}).
 */
public final class FrameLayout {
    public static final byte MAGIC_0 = 0x50;
    public static final byte MAGIC_1 = 0x68;
    public static final int FORMAT_VERSION = 2;
    public static final int TYPE_OFFSET = 3;
    public static final int KEY_ID_OFFSET = 4;
    public static final int SESSION_OFFSET = 8;
    public static final int SEQUENCE_OFFSET = 16;
    public static final int BODY_LENGTH_OFFSET = 24;
    public static final int HEADER_BYTES = 28;
    public static final int MAC_BYTES = FrameAuthenticator.MAC_BYTES;
    /** Header plus MAC: what a frame costs beyond its body. */
    public static final int OVERHEAD_BYTES = HEADER_BYTES + MAC_BYTES;

    private FrameLayout() {}

    /**
     * The whole frame's length as its header declares it, from the {@link #HEADER_BYTES} at
     * {@code offset}. It is a long because a hostile header can declare up to 4 GiB; compare it
     * with the maximum frame size before buffering that much.
     */
    public static long frameBytes(byte[] header, int offset) {
        return OVERHEAD_BYTES + Integer.toUnsignedLong(readInt(header, offset + BODY_LENGTH_OFFSET));
    }

    /** The key id field of the frame (or header) at {@code offset}: the key its MAC claims to be under. */
    public static int keyId(byte[] frame, int offset) {
        return readInt(frame, offset + KEY_ID_OFFSET);
    }

    /** The session field of the frame (or header) at {@code offset}; meaningful only once its MAC is verified. */
    public static long session(byte[] frame, int offset) {
        return readLong(frame, offset + SESSION_OFFSET);
    }

    /** The sequence field of the frame (or header) at {@code offset}; meaningful only once its MAC is verified. */
    public static long sequence(byte[] frame, int offset) {
        return readLong(frame, offset + SEQUENCE_OFFSET);
    }

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    static long readLong(byte[] b, int at) {
        return (long) readInt(b, at) << 32 | Integer.toUnsignedLong(readInt(b, at + 4));
    }
}
