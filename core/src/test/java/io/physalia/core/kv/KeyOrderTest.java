package io.physalia.core.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyOrderTest {
    private static final String FULLWIDTH_Z = "\uFF5A";      // U+FF5A, one UTF-16 unit
    private static final String GRINNING = "\uD83D\uDE00";    // U+1F600, a surrogate pair

    @Test
    void supplementaryCharacterSortsAfterHighBmpCharacterUnlikeStringCompareTo() {
        assertTrue(GRINNING.compareTo(FULLWIDTH_Z) < 0, "UTF-16 order puts the surrogate first");
        assertTrue(KeyOrder.compare(FULLWIDTH_Z, GRINNING) < 0, "code point order puts U+FF5A first");
        assertTrue(KeyOrder.compare(GRINNING, FULLWIDTH_Z) > 0);
    }

    @Test
    void prefixSortsBeforeItsExtensions() {
        assertTrue(KeyOrder.compare("a", "a\u0000") < 0);
        assertTrue(KeyOrder.compare("a" + GRINNING, "a" + GRINNING + "b") < 0);
        assertEquals(0, KeyOrder.compare(GRINNING, new String(GRINNING)));
    }

    @Test
    void agreesWithUnsignedUtf8ByteOrderOnRandomWellFormedStrings() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            String a = randomWellFormed(random);
            String b = randomWellFormed(random);
            int expected = Integer.signum(Arrays.compareUnsigned(
                    a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
            assertEquals(expected, Integer.signum(KeyOrder.compare(a, b)), () -> Describe.key(a) + " vs " + Describe.key(b));
        }
    }

    @Test
    void isATotalOrderConsistentWithEqualsEvenOnIllFormedStrings() {
        Random random = new Random(7);
        char[] alphabet = {'a', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uE000', '\uFFFF', '\u0000'};
        for (int i = 0; i < 20_000; i++) {
            String a = randomFrom(random, alphabet);
            String b = randomFrom(random, alphabet);
            String c = randomFrom(random, alphabet);
            assertEquals(Integer.signum(KeyOrder.compare(a, b)), -Integer.signum(KeyOrder.compare(b, a)));
            assertEquals(a.equals(b), KeyOrder.compare(a, b) == 0);
            if (KeyOrder.compare(a, b) <= 0 && KeyOrder.compare(b, c) <= 0) {
                assertTrue(KeyOrder.compare(a, c) <= 0);
            }
        }
    }

    private static String randomWellFormed(Random random) {
        int[] starts = {0x20, 0x7F, 0x7FF, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF};
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(4);
        for (int i = 0; i < length; i++) {
            int base = starts[random.nextInt(starts.length)];
            int cp = Math.max(0, Math.min(0x10FFFF, base + random.nextInt(5) - 2));
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xD7FF;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static String randomFrom(Random random, char[] alphabet) {
        char[] chars = new char[random.nextInt(4)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return new String(chars);
    }
}
