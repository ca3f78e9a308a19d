package io.physalia.core.wire;

/**
 * The layout of an inter-node frame (all integers big-endian):
 * <pre>
 *  offset  size  field
 *       0     2  magic 0x50 0x68 ("Ph")
 *       2     1  format version (1)
 *       3     1  message type
 *       4     4  key id of the HMAC key
 *       8     4  body length N
 *      12     N  body: cell, from, to, then the message's fields
 *    12+N    32  HMAC-SHA256 of bytes [0, 12+N)
 * </pre>
 * The MAC covers the header too, so the type and key id cannot be altered either. A stream
 * transport reads {@link #HEADER_BYTES}, asks {@link #frameBytes} how long the frame is, checks
 * that against its own limit and then reads the rest.
 */
public final class FrameLayout {
    public static final byte MAGIC_0 = 0x50;
    public static final byte MAGIC_1 = 0x68;
    public static final int FORMAT_VERSION = 1;
    public static final int TYPE_OFFSET = 3;
    public static final int KEY_ID_OFFSET = 4;
    public static final int BODY_LENGTH_OFFSET = 8;
    public static final int HEADER_BYTES = 12;
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

    static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
