package io.physalia.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.testing.ExternalTool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The rules file by Prometheus's own checker and unit tester ({@code promtool check rules},
 * {@code promtool test rules tests/*.yml}), and what those cannot see: every alert has a
 * severity, the three annotations and a runbook in docs/operations.md, and a unit test that
 * fires it for one color (or colony) while another is present and quiet, and one where it is
 * quiet; every alert a unit test names exists (promtool passes a test of a misspelt alert that
 * expects nothing).
 */
class MonitoringRulesTest {
    static final Path RULES = Tools.module().resolve("physalia-rules.yml");
    static final Path TESTS = Tools.module().resolve("tests");
    static final Path OPERATIONS = Tools.module().resolveSibling("docs").resolve("operations.md");
    /** Alerts about the whole colony, with no color: the control plane's pause. */
    static final Set<String> COLONY_WIDE = Set.of("PhysaliaControlPlanePausedLong");
    private static final Pattern SERIES_LABEL = Pattern.compile("(color|colony)=\"([^\"]*)\"");

    @Test
    void promtoolChecksTheRules() throws Exception {
        ExternalTool.Result r = ExternalTool.run(Tools.module(), List.of(Tools.onPath("promtool").toString(), "check", "rules", RULES.toString()),
                Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Tools.onPath("promtool").toString(), "test", "rules"));
        List<Path> files = testFiles();
        assertTrue(files.size() >= 4, "unit tests in " + TESTS + ": " + files);
        files.forEach(f -> cmd.add(f.toString()));
        ExternalTool.Result r = ExternalTool.run(TESTS, cmd, Duration.ofSeconds(120));
        assertEquals(0, r.exit(), r.output());
        assertTrue(!r.output().contains("FAILED"), r.output());
    }

    @Test
    void everyAlertIsLabelledDocumentedAndTestedBothWays() throws Exception {
        Map<String, Map<String, Object>> alerts = alerts();
        assertTrue(alerts.size() >= 12, "alerts: " + alerts.keySet());
        String operations = Files.readString(OPERATIONS);
        Map<String, List<String>> problems = new LinkedHashMap<>();
        Map<String, TestCoverage> coverage = coverage(alerts.keySet(), problems);
        for (Map.Entry<String, Map<String, Object>> e : alerts.entrySet()) {
            String name = e.getKey();
            List<String> p = problems.computeIfAbsent(name, k -> new ArrayList<>());
            Map<String, Object> rule = e.getValue();
            Map<?, ?> labels = (Map<?, ?>) rule.getOrDefault("labels", Map.of());
            if (!Set.of("critical", "warning").contains(labels.get("severity"))) {
                p.add("severity is " + labels.get("severity") + ", not critical or warning");
            }
            Map<?, ?> annotations = (Map<?, ?>) rule.getOrDefault("annotations", Map.of());
            for (String a : List.of("summary", "description", "runbook_url")) {
                if (!(annotations.get(a) instanceof String s) || s.isBlank()) {
                    p.add("no " + a);
                }
            }
            String anchor = name.toLowerCase();
            if (!("docs/operations.md#" + anchor).equals(annotations.get("runbook_url"))) {
                p.add("runbook_url is " + annotations.get("runbook_url") + ", not docs/operations.md#" + anchor);
            }
            if (!operations.contains("\n### " + name + "\n")) {
                p.add("no runbook heading '### " + name + "' in " + OPERATIONS);
            }
            String expr = String.valueOf(rule.get("expr"));
            if (!COLONY_WIDE.contains(name) && !expr.contains("color") && !expr.startsWith("up{")) {
                p.add("not per color: " + expr);
            }
            TestCoverage c = coverage.get(name);
            if (c == null || !c.firesForOneWhileAnotherIsQuiet) {
                p.add("no unit test fires it for exactly one " + (COLONY_WIDE.contains(name) ? "colony" : "color")
                        + " while another is in the input and stays quiet");
            }
            if (c == null || !c.quiet) {
                p.add("no unit test expects it quiet");
            }
        }
        problems.values().removeIf(List::isEmpty);
        assertTrue(problems.isEmpty(), "alerts with problems: " + problems);
    }

    static List<Path> testFiles() throws IOException {
        try (Stream<Path> s = Files.list(TESTS)) {
            return s.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    /** Every alerting rule of the rules file, by name. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> alerts() throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(RULES));
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) doc.get("groups")) {
            for (Map<String, Object> r : (List<Map<String, Object>>) g.get("rules")) {
                if (r.containsKey("alert")) {
                    out.put((String) r.get("alert"), r);
                }
            }
        }
        return out;
    }

    private static final class TestCoverage {
        boolean firesForOneWhileAnotherIsQuiet;
        boolean quiet;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, TestCoverage> coverage(Set<String> known, Map<String, List<String>> problems) throws IOException {
        Map<String, TestCoverage> out = new LinkedHashMap<>();
        for (Path f : testFiles()) {
            Map<String, Object> doc = new Yaml().load(Files.readString(f));
            for (Map<String, Object> t : (List<Map<String, Object>>) doc.get("tests")) {
                Map<String, Set<String>> inputValues = new LinkedHashMap<>(); // label -> values in the input series
                for (Map<String, Object> s : (List<Map<String, Object>>) t.getOrDefault("input_series", List.of())) {
                    Matcher m = SERIES_LABEL.matcher(String.valueOf(s.get("series")));
                    while (m.find()) {
                        inputValues.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
                    }
                }
                for (Map<String, Object> a : (List<Map<String, Object>>) t.getOrDefault("alert_rule_test", List.of())) {
                    String name = (String) a.get("alertname");
                    if (!known.contains(name)) {
                        problems.computeIfAbsent("(unit tests)", k -> new ArrayList<>()).add(f.getFileName() + " tests unknown alert " + name);
                        continue;
                    }
                    TestCoverage c = out.computeIfAbsent(name, k -> new TestCoverage());
                    List<Map<String, Object>> expected = (List<Map<String, Object>>) a.getOrDefault("exp_alerts", List.of());
                    if (expected == null || expected.isEmpty()) {
                        c.quiet = true;
                        continue;
                    }
                    String label = COLONY_WIDE.contains(name) ? "colony" : "color";
                    Set<String> firing = new HashSet<>();
                    for (Map<String, Object> x : expected) {
                        Map<String, Object> l = (Map<String, Object>) x.getOrDefault("exp_labels", Map.of());
                        if (l.get("colony") != null && label.equals("color") && !l.containsKey("color")) {
                            continue; // a colony-wide alert beside the per-color ones (the operator's deferred count)
                        }
                        firing.add(String.valueOf(l.get(label)));
                    }
                    Set<String> quietOnes = new TreeSet<>(inputValues.getOrDefault(label, Set.of()));
                    quietOnes.removeAll(firing);
                    quietOnes.remove("");
                    if (firing.size() == 1 && !quietOnes.isEmpty()) {
                        c.firesForOneWhileAnotherIsQuiet = true;
                    }
                }
            }
        }
        return out;
    }
}
