package io.physalia.core.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The continuation token of a paged scan. It means "continue strictly after this key", so a scan
 * can resume even if that key was deleted in between. The format is {@code "k1."} followed by the
 * unpadded base64url of the key's UTF-8 bytes. Clients must treat it as opaque; the cell decodes
 * it strictly (one canonical spelling per key) so that a forged or corrupted token is rejected
 * as malformed instead of being half-understood. The version tag lets a later format coexist.
 */
public final class PageToken {
    private PageToken() {}

    static final String TAG = "k1.";

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    public static String encode(String lastKey) {
        return TAG + ENCODER.encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The key a token continues after, or empty if the token is not one {@link #encode} makes. */
    public static Optional<String> decode(String token) {
        if (token == null || !token.startsWith(TAG)) {
            return Optional.empty();
        }
        String body = token.substring(TAG.length());
        if (body.isEmpty() || !isBase64UrlAlphabet(body)) {
            return Optional.empty();
        }
        byte[] utf8;
        try {
            utf8 = Base64.getUrlDecoder().decode(body);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        // The decoder tolerates non-zero trailing bits; re-encoding rejects every non-canonical spelling.
        if (!ENCODER.encodeToString(utf8).equals(body)) {
            return Optional.empty();
        }
        String key = new String(utf8, StandardCharsets.UTF_8);
        // Malformed UTF-8 decodes to U+FFFD, so it does not survive the round trip.
        if (!Arrays.equals(key.getBytes(StandardCharsets.UTF_8), utf8)) {
            return Optional.empty();
        }
        return Optional.of(key);
    }

    /** The longest token {@link #encode} makes for a key of at most {@code maxKeyBytes} bytes. */
    static long maxLength(int maxKeyBytes) {
        return TAG.length() + (4L * maxKeyBytes + 2) / 3;
    }

    private static boolean isBase64UrlAlphabet(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
