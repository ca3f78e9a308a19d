package io.physalia.operator;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator's Prometheus metrics, per colony and color and never per cell (a colony has
 * millions): cells by state, rollout state, actions, pause. Read at scrape time from the
 * colonies' runtimes, so nothing is kept twice.
 *
 * <ul>
 *   <li>{@code physalia_operator_cells{colony,color,state}}: state is one of pending, placed,
 *       ready, degraded, unavailable (each present, at 0 when none);
 *   <li>{@code physalia_operator_rollout_halted{colony,color}} and
 *       {@code physalia_operator_rollout_rolling{colony,color}}: 0 or 1;
 *   <li>{@code physalia_operator_actions_total{colony,color,kind,result}}: result issued,
 *       caught_up or aborted by color; deferred (by the rate limits) and refused (cells whose
 *       action the placement rules refuse now, a gauge-like count) with color "" since the
 *       engine counts them for the whole colony;
 *   <li>{@code physalia_operator_paused{colony}} and {@code physalia_operator_paused_since_seconds{colony}}.
 * </ul>
 */
final class OperatorMetrics extends Collector {
    static final List<String> STATES = List.of("pending", "placed", "ready", "degraded", "unavailable");

    private final Colonies colonies;
    final CollectorRegistry registry = new CollectorRegistry();

    OperatorMetrics(Colonies colonies) {
        this.colonies = colonies;
        registry.register(this);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples.Sample> cells = new ArrayList<>();
        List<MetricFamilySamples.Sample> halted = new ArrayList<>();
        List<MetricFamilySamples.Sample> rolling = new ArrayList<>();
        List<MetricFamilySamples.Sample> actions = new ArrayList<>();
        List<MetricFamilySamples.Sample> paused = new ArrayList<>();
        List<MetricFamilySamples.Sample> pausedSince = new ArrayList<>();
        for (ColonyRuntime r : colonies.all()) {
            String colony = r.name();
            Map<String, Map<String, Integer>> byColor = r.cellsByColorAndPhase();
            for (String color : r.spec().getColors()) {
                Map<String, Integer> phases = byColor.getOrDefault(color, Map.of());
                for (String state : STATES) {
                    int n = phases.getOrDefault(Character.toUpperCase(state.charAt(0)) + state.substring(1), 0);
                    cells.add(new MetricFamilySamples.Sample("physalia_operator_cells", List.of("colony", "color", "state"),
                            List.of(colony, color, state), n));
                }
                var ro = r.rollout();
                boolean isHalted = ro != null && Rollout.HALTED.equals(ro.getPhase()) && color.equals(ro.getHaltedColor());
                boolean isRolling = ro != null && !isHalted && color.equals(ro.getColor());
                halted.add(new MetricFamilySamples.Sample("physalia_operator_rollout_halted", List.of("colony", "color"),
                        List.of(colony, color), isHalted ? 1 : 0));
                rolling.add(new MetricFamilySamples.Sample("physalia_operator_rollout_rolling", List.of("colony", "color"),
                        List.of(colony, color), isRolling ? 1 : 0));
                for (String kind : List.of("repair", "move_closer")) {
                    for (String result : List.of("issued", "caught_up", "aborted")) {
                        long n = r.actionCounts().getOrDefault(List.of(color, kind, result), 0L);
                        actions.add(actionSample(colony, color, kind, result, n));
                    }
                }
            }
            ColonyRuntime.Summary s = r.summary();
            actions.add(actionSample(colony, "", "any", "deferred", s.engine().deferredByRateLimit()));
            actions.add(actionSample(colony, "", "any", "refused", s.engine().blockedCells().size()));
            paused.add(new MetricFamilySamples.Sample("physalia_operator_paused", List.of("colony"), List.of(colony),
                    s.engine().paused() ? 1 : 0));
            pausedSince.add(new MetricFamilySamples.Sample("physalia_operator_paused_since_seconds", List.of("colony"), List.of(colony),
                    s.engine().paused() ? s.engine().pausedAtMillis() / 1000.0 : 0));
        }
        return List.of(
                new MetricFamilySamples("physalia_operator_cells", Type.GAUGE, "Cells by color and state, as their status shows.", cells),
                new MetricFamilySamples("physalia_operator_rollout_halted", Type.GAUGE, "1 when the rollout halted in this color.", halted),
                new MetricFamilySamples("physalia_operator_rollout_rolling", Type.GAUGE, "1 while the rollout restarts or validates this color.", rolling),
                new MetricFamilySamples("physalia_operator_actions", Type.COUNTER,
                        "Control-plane actions by color, kind and result (deferred and refused for the whole colony).", actions),
                new MetricFamilySamples("physalia_operator_paused", Type.GAUGE, "1 while the colony's control plane is paused.", paused),
                new MetricFamilySamples("physalia_operator_paused_since_seconds", Type.GAUGE,
                        "When the pause began (Unix seconds), 0 when not paused.", pausedSince));
    }

    private static MetricFamilySamples.Sample actionSample(String colony, String color, String kind, String result, double n) {
        return new MetricFamilySamples.Sample("physalia_operator_actions_total", List.of("colony", "color", "kind", "result"),
                List.of(colony, color, kind, result), n);
    }

    /** The Prometheus text exposition. */
    String scrape() {
        StringWriter w = new StringWriter();
        try {
            TextFormat.write004(w, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }
}
