package io.physalia.core.kv;

/** UTF-8 facts about Java strings, computed without encoding them. */
final class Utf8 {
    private Utf8() {}

    /**
     * The index of the first surrogate that is not part of a high-low pair, or -1 if the string is
     * well-formed UTF-16. Such a string has no UTF-8 encoding (the JDK would silently replace the
     * surrogate with '?'), so it cannot be a key.
     */
    static int firstUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** The UTF-8 length of a well-formed string (each surrogate counts 2, a pair 4). */
    static long encodedLength(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                n += 2;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
