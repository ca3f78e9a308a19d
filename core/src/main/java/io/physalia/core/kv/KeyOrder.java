package io.physalia.core.kv;

import java.util.Comparator;

/**
 * The order of keys in a cell: by Unicode code point, which is the same as unsigned byte order of
 * the UTF-8 encoding. {@link String#compareTo} compares UTF-16 code units instead, which puts
 * supplementary characters (stored as surrogates 0xD800-0xDFFF) before U+E000-U+FFFF; a scan
 * must not depend on the JVM's string representation, so keys use this order everywhere.
 */
public final class KeyOrder {
    private KeyOrder() {}

    /** Code point order. Total on all strings, including ill-formed ones, so a TreeMap stays sane. */
    public static final Comparator<String> CODE_POINT = KeyOrder::compare;

    public static int compare(String a, String b) {
        int common = Math.min(a.length(), b.length());
        for (int i = 0; i < common; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return Integer.compare(rank(x), rank(y));
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /**
     * Maps a UTF-16 code unit to its place in code point order. Below the surrogates nothing
     * changes; U+E000-U+FFFF move down into 0xD800-0xF7FF; surrogates, which only encode code
     * points above U+FFFF, move up into 0xF800-0xFFFF. At the first differing unit of two
     * well-formed strings this gives the code point comparison (two surrogates at the same
     * position are either both high or both low units of pairs, ordered like their code points).
     * The mapping is a bijection, so the order stays total and consistent with equals.
     */
    private static int rank(char c) {
        if (c < Character.MIN_SURROGATE) {
            return c;
        }
        if (c <= Character.MAX_SURROGATE) {
            return c + 0x2000;
        }
        return c - 0x800;
    }
}
