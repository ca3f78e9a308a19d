package io.physalia.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's settings gathered from three sources, highest precedence first: command-line flags
 * ({@code --http-port 7401}), environment variables ({@code PHYSALIA_HTTP_PORT=7401}) and a config
 * file ({@code http-port = 7401}, named by {@code --config} or {@code PHYSALIA_CONFIG}). Each value
 * remembers where it came from, so that an error names the flag, variable or file line to fix
 * (a pod's environment and a mounted file are as easy to get wrong as a flag).
 */
final class ConfigSources {
    /** The flag that names the config file; it cannot itself be set in the file. */
    static final String CONFIG = "config";
    static final String ENV_PREFIX = "PHYSALIA_";
    /** Longest config file read: a node's settings are a few lines; anything larger is a wrong path. */
    static final long MAX_FILE_BYTES = 1 << 20;

    private record Setting(String value, String source) {}

    private final Map<String, Setting> settings = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private ConfigSources() {}

    /**
     * Reads flags, then the environment, then the file; adds every problem (unknown flag or file
     * key, repeated key, unreadable file) to {@code problems}.
     *
     * @param keys the known setting names, as flags spell them without {@code --}
     */
    static ConfigSources gather(String[] args, Map<String, String> env, Set<String> keys, List<String> problems) {
        ConfigSources s = new ConfigSources();
        Map<String, Setting> flags = flags(args, keys, problems);
        Map<String, Setting> fromEnv = s.environment(env, keys);
        Setting file = flags.containsKey(CONFIG) ? flags.get(CONFIG) : fromEnv.get(CONFIG);
        Map<String, Setting> fromFile = file == null ? Map.of() : file(file, keys, problems);
        s.settings.putAll(fromFile);
        s.settings.putAll(fromEnv);
        s.settings.putAll(flags);
        return s;
    }

    /** The value, or null if no source gives it. */
    String get(String key) {
        Setting s = settings.get(key);
        return s == null ? null : s.value();
    }

    String getOrDefault(String key, String dflt) {
        String v = get(key);
        return v == null ? dflt : v;
    }

    boolean has(String key) {
        return settings.containsKey(key);
    }

    /**
     * Where {@code key}'s value came from, for an error: {@code --http-port},
     * {@code PHYSALIA_HTTP_PORT}, or {@code http-port (node.conf line 3)}; the flag if absent.
     */
    String where(String key) {
        Setting s = settings.get(key);
        return s == null ? "--" + key : s.source();
    }

    /** How to give a missing setting, in every source. */
    static String howToGive(String key) {
        return "--" + key + " (or " + envName(key) + ", or " + key + " in the config file)";
    }

    /** Things worth saying that do not stop the node: unknown {@code PHYSALIA_*} variables. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Map<String, Setting> flags(String[] args, Set<String> keys, List<String> problems) {
        Set<String> accepted = new java.util.HashSet<>(keys);
        accepted.add(CONFIG);
        Map<String, Setting> flags = new LinkedHashMap<>();
        CommandLineFlags.parse(args, 0, accepted, problems).forEach((k, v) -> flags.put(k, new Setting(v, "--" + k)));
        return flags;
    }

    private Map<String, Setting> environment(Map<String, String> env, Set<String> keys) {
        Map<String, Setting> out = new LinkedHashMap<>();
        Map<String, String> byEnvName = new LinkedHashMap<>();
        for (String k : keys) {
            byEnvName.put(envName(k), k);
        }
        byEnvName.put(envName(CONFIG), CONFIG);
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String key = byEnvName.get(e.getKey());
            if (key != null) {
                out.put(key, new Setting(e.getValue(), e.getKey()));
            } else if (e.getKey().startsWith(ENV_PREFIX)) {
                unknown.add(e.getKey());
            }
        }
        // Not an error: the environment is shared with other tools (PHYSALIA_K8S_CACHE, ...); but a
        // misspelt setting should not pass unseen.
        if (!unknown.isEmpty()) {
            warnings.add("ignoring environment variables that name no node setting: " + String.join(", ", unknown));
        }
        return out;
    }

    /**
     * Lines of {@code key = value}; blank lines and lines starting with {@code #} are skipped. Keys
     * are the flag names; a value is everything after the first '=', trimmed.
     */
    private static Map<String, Setting> file(Setting named, Set<String> keys, List<String> problems) {
        Map<String, Setting> out = new LinkedHashMap<>();
        String fileName = named.value();
        Path path = Path.of(fileName);
        List<String> lines;
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                problems.add(named.source() + " " + fileName + ": larger than " + MAX_FILE_BYTES + " bytes; not a node config file");
                return out;
            }
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(named.source() + " " + fileName + ": cannot read it (" + e + ")");
            return out;
        }
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = fileName + " line " + n;
            int eq = line.indexOf('=');
            if (eq <= 0) {
                problems.add(at + ": '" + line + "' must look like key = value");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (key.equals(CONFIG)) {
                problems.add(at + ": a config file cannot name another config file");
            } else if (!keys.contains(key)) {
                problems.add(at + ": unknown setting '" + key + "'");
            } else if (out.containsKey(key)) {
                problems.add(at + ": '" + key + "' given twice (first at " + out.get(key).source() + ")");
            } else {
                out.put(key, new Setting(value, key + " (" + at + ")"));
            }
        }
        return out;
    }
}
