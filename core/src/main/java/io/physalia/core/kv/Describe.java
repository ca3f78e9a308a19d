package io.physalia.core.kv;

/**
 * Short, deterministic descriptions of keys, ops and conditions for result details and error
 * messages. Keys are quoted, escaped and truncated so that a hostile key cannot blow up or
 * garble a message.
 */
final class Describe {
    private Describe() {}

    private static final int MAX_SHOWN_CHARS = 48;

    static String key(String key) {
        if (key == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(key.length(), MAX_SHOWN_CHARS) + 16).append('"');
        int shown = Math.min(key.length(), MAX_SHOWN_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = key.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                String hex = Integer.toHexString(c);
                out.append("\\u").append("0".repeat(4 - hex.length())).append(hex);
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (shown < key.length()) {
            out.append("... (").append(key.length()).append(" chars)");
        }
        return out.toString();
    }

    static String op(int index, Op op) {
        return switch (op) {
            case Op.Get g -> "op " + index + " (get " + key(g.key()) + ")";
            case Op.Put p -> "op " + index + " (put " + key(p.key()) + ")";
            case Op.Delete d -> "op " + index + " (delete " + key(d.key()) + ")";
            case Op.Increment n -> "op " + index + " (increment " + key(n.key()) + ")";
            case Op.Scan s -> "op " + index + " (scan)";
        };
    }

    static String condition(int index, Condition c) {
        String kind = switch (c) {
            case Condition.Exists e -> "exists";
            case Condition.Absent a -> "absent";
            case Condition.ValueEquals v -> "value-equals";
            case Condition.VersionEquals v -> "version-equals";
        };
        return "condition " + index + " (" + kind + " " + key(c.key()) + ")";
    }
}
