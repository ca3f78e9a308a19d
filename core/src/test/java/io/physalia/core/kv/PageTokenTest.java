package io.physalia.core.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PageTokenTest {

    private static String body(byte[] bytes) {
        return PageToken.TAG + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void roundTripsKeysIncludingSupplementaryCharacters() {
        for (String key : new String[] {"a", "users/42", "\uD83D\uDE00/x", "\u0000", "é€"}) {
            assertEquals(Optional.of(key), PageToken.decode(PageToken.encode(key)));
        }
    }

    @Test
    void tokenIsUrlSafeAndVersionTagged() {
        String token = PageToken.encode("\u00ff\u00fe?>");
        assertTrue(token.startsWith("k1."));
        assertTrue(token.substring(3).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_'), token);
    }

    @Test
    void rejectsNullAndMissingOrUnknownVersionTag() {
        assertTrue(PageToken.decode(null).isEmpty());
        assertTrue(PageToken.decode("YQ").isEmpty());
        assertTrue(PageToken.decode("k2.YQ").isEmpty());
    }

    @Test
    void rejectsEmptyKey() {
        assertTrue(PageToken.decode("k1.").isEmpty());
    }

    @Test
    void rejectsCharactersOutsideTheBase64UrlAlphabetAndPadding() {
        assertTrue(PageToken.decode("k1.Y+").isEmpty());
        assertTrue(PageToken.decode("k1.Y/").isEmpty());
        assertTrue(PageToken.decode("k1.YQ==").isEmpty());
        assertTrue(PageToken.decode("k1.Y Q").isEmpty());
    }

    @Test
    void rejectsImpossibleLength() {
        assertTrue(PageToken.decode("k1.YWJjZ").isEmpty());
    }

    @Test
    void rejectsNonCanonicalSpellingOfTheSameBytes() {
        // "YQ" is "a"; "YR" decodes to the same byte with non-zero unused bits.
        assertEquals(Optional.of("a"), PageToken.decode("k1.YQ"));
        assertTrue(PageToken.decode("k1.YR").isEmpty());
    }

    @Test
    void rejectsMalformedUtf8() {
        assertTrue(PageToken.decode(body(new byte[] {(byte) 0xC3, 0x28})).isEmpty());
        // An encoded surrogate (CESU-8 style) is not UTF-8.
        assertTrue(PageToken.decode(body(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEmpty());
        assertTrue(PageToken.decode(body("ok".getBytes(StandardCharsets.UTF_8))).isPresent());
    }
}
