package io.physalia.core.wire;

/**
 * UTF-8 encoding that refuses unpaired surrogates. {@link String#getBytes} would replace them
 * with '?', and a replica would then store a different key than the one the client named.
 */
final class Utf8 {
    private Utf8() {}

    /** The UTF-8 length of {@code s}; throws IllegalArgumentException if it has no UTF-8 form. */
    static int encodedLength(String s) {
        long length = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new IllegalArgumentException("string has an unpaired surrogate at index " + i);
                }
                length += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new IllegalArgumentException("string has an unpaired surrogate at index " + i);
            } else {
                length += 3;
            }
        }
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("string too long for UTF-8 encoding");
        }
        return (int) length;
    }

    /** Writes {@code s} (already checked by {@link #encodedLength}) into {@code out} from {@code at}. */
    static void encode(String s, byte[] out, int at) {
        int p = at;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[p++] = (byte) c;
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[p++] = (byte) (0xF0 | (cp >> 18));
                out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
