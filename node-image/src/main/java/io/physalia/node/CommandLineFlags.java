package io.physalia.node;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flag grammar every physalia program shares: {@code --key value} or {@code --key=value},
 * each key at most once. Problems are collected, not thrown, so a program can report every one
 * at once.
 */
public final class CommandLineFlags {
    private CommandLineFlags() {}

    /**
     * Parses {@code args[from..]} into key to value, in the order given, adding each problem
     * (a bare argument, a flag without a value, an unknown or repeated flag) to {@code problems}.
     *
     * @param known the accepted keys (without {@code --}), or null to accept any
     */
    public static Map<String, String> parse(String[] args, int from, Collection<String> known, List<String> problems) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                problems.add("unexpected argument '" + a + "'");
                continue;
            }
            String key;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                key = a.substring(2);
                value = args[++i];
            } else {
                problems.add("flag " + a + " needs a value");
                continue;
            }
            if (known != null && !known.contains(key)) {
                problems.add("unknown flag --" + key);
            } else if (flags.put(key, value) != null) {
                problems.add("flag --" + key + " given twice");
            }
        }
        return flags;
    }
}
