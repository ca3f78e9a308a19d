package io.physalia.e2e.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rendered manifests as plain maps and lists, and small accessors that fail naming what is missing. */
final class Manifests {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {}

    /** Every non-empty document of a multi-document YAML stream. */
    static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> docs = YAML.readerFor(Map.class).readValues(yaml)) {
            while (docs.hasNext()) {
                Map<String, Object> doc = docs.next();
                if (doc != null && !doc.isEmpty()) {
                    objects.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return objects;
    }

    static String kind(Map<String, Object> o) {
        return (String) o.get("kind");
    }

    static String name(Map<String, Object> o) {
        return (String) path(o, "metadata", "name");
    }

    /** {@code kind.group/name} as kubectl prints it ({@code deployment.apps/x}, {@code serviceaccount/x}). */
    static String ref(Map<String, Object> o) {
        String apiVersion = (String) o.get("apiVersion");
        String group = apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return kind(o).toLowerCase() + group + "/" + name(o);
    }

    static List<Map<String, Object>> of(List<Map<String, Object>> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(kind(o))).toList();
    }

    static Map<String, Object> one(List<Map<String, Object>> objects, String kind) {
        List<Map<String, Object>> found = of(objects, kind);
        assertEquals(1, found.size(), "one " + kind + " in " + objects.stream().map(Manifests::kind).toList());
        return found.get(0);
    }

    static Map<String, Object> named(List<Map<String, Object>> objects, String kind, String name) {
        return of(objects, kind).stream().filter(o -> name.equals(name(o))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + objects.stream().map(Manifests::ref).toList()));
    }

    static Object path(Object o, String... keys) {
        for (String key : keys) {
            assertTrue(o instanceof Map, "no " + key + " in " + o);
            o = ((Map<?, ?>) o).get(key);
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object o) {
        return (T) o;
    }

    static Map<String, Object> first(Object list) {
        List<Map<String, Object>> l = cast(list);
        assertFalse(l == null || l.isEmpty(), "empty list");
        return l.get(0);
    }

    /** The verbs of the one rule naming {@code group} and {@code resource}; fails when none or several do. */
    static List<String> verbs(Map<String, Object> role, String group, String resource) {
        List<Map<String, Object>> rules = cast(role.get("rules"));
        List<List<String>> found = rules.stream()
                .filter(r -> Manifests.<List<String>>cast(r.get("apiGroups")).contains(group)
                        && Manifests.<List<String>>cast(r.get("resources")).contains(resource))
                .map(r -> List.copyOf(Manifests.<List<String>>cast(r.get("verbs")))).toList();
        assertEquals(1, found.size(), "one rule for " + group + "/" + resource + " in " + rules);
        return found.get(0);
    }
}
