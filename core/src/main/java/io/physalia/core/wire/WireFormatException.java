package io.physalia.core.wire;

/**
 * Bytes that do not follow this package's encoding: truncated, non-canonical, out of range or
 * carrying a tag this version does not understand. Decoders in this package turn it into a
 * result value; it escapes only from the standalone {@code decode*} helpers of {@link ValueCodecs}.
 */
public final class WireFormatException extends RuntimeException {
    public WireFormatException(String detail) {
        super(detail, null, false, false);
    }
}
