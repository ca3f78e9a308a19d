package io.physalia.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.physalia.crds.Colony;
import io.physalia.crds.Color;
import io.physalia.crds.RolloutPolicy;
import io.physalia.crds.RolloutStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Carries out {@link Rollout}: gathers what it decides on (the colors' StatefulSets and pods from
 * the API server; whether each node is up and its replicas caught up, from the nodes; the request
 * metrics of each color at the start and end of a validation window), and does what it decides:
 * deletes the one pod recorded as restarting in an earlier reconcile, and records the Events.
 *
 * <p>Metrics baselines live in memory only: after an operator restart the validation window of
 * the color being validated starts again (it is never skipped).
 */
final class RolloutDriver {
    private static final Logger LOG = Logger.getLogger(RolloutDriver.class.getName());
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(3);

    private final KubernetesClient client;
    private final EventRecorder events;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(SCRAPE_TIMEOUT).build();
    /** Per colony: the validation window it belongs to, and each color's sample at its start. */
    private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();

    private record Baseline(String color, String startedAt, Map<String, ColorMetrics.Sample> byColor) {}

    RolloutDriver(KubernetesClient client, EventRecorder events) {
        this.client = client;
        this.events = events;
    }

    /** One rollout step for the colony: returns the decision, whose status the caller writes. */
    Rollout.Decision step(Colony colony, ColonyRuntime runtime, boolean paused) throws InterruptedException {
        String ns = colony.getMetadata().getNamespace();
        String colonyName = colony.getMetadata().getName();
        RolloutPolicy p = colony.getSpec().getRollout();
        Rollout.Policy policy = new Rollout.Policy(p.getValidationWindowSeconds() * 1000L, p.getPauseBetweenColorsSeconds() * 1000L,
                p.getPodReadyTimeoutSeconds() * 1000L);
        RolloutStatus recorded = colony.getStatus() == null ? null : colony.getStatus().getRollout();
        Map<String, Rollout.ColorView> views = new HashMap<>();
        Rollout.View view = new Rollout.View(colony.getSpec().getVersion(), colony.getSpec().getColors(),
                c -> views.computeIfAbsent(c, k -> colorView(ns, colonyName, k, runtime)),
                c -> evidence(colony, runtime, c, recorded),
                paused, policy, System.currentTimeMillis());
        Rollout.Decision d = Rollout.next(recorded, view);
        RolloutStatus next = d.status();

        // a new validation window: sample every color now, the window's end is compared with this
        if (next.getValidationStartedAt() != null && next.getColor() != null) {
            Baseline b = baselines.get(colonyName);
            if (b == null || !b.startedAt().equals(next.getValidationStartedAt()) || !b.color().equals(next.getColor())) {
                baselines.put(colonyName, new Baseline(next.getColor(), next.getValidationStartedAt(), sampleAll(colony, runtime)));
            }
        }
        // a pod is recorded as restarting before it is deleted: hold its repairs off while it comes back
        if (next.getRestarting() != null) {
            runtime.expectRestart(next.getRestarting().getPod(), Rollout.millis(next.getRestarting().getSince()) + policy.podReadyTimeoutMillis());
        }
        if (recorded != null && recorded.getRestarting() != null
                && (next.getRestarting() == null || !next.getRestarting().getPod().equals(recorded.getRestarting().getPod()))) {
            runtime.restartOver(recorded.getRestarting().getPod());
        }
        d.delete().ifPresent(pod -> {
            LOG.info("colony " + colonyName + ": rollout restarts pod " + pod.name() + " (uid " + pod.uid() + ")");
            runtime.stopping(pod.name());
            client.pods().inNamespace(ns).withName(pod.name()).delete();
        });
        for (Rollout.Event e : d.events()) {
            if (e.warning()) {
                events.warning(colony, e.reason(), e.message());
            } else {
                events.normal(colony, e.reason(), e.message());
            }
        }
        return d;
    }

    /** The color's StatefulSet and pods from the API server; up and caught up from its nodes. */
    private Rollout.ColorView colorView(String ns, String colony, String color, ColonyRuntime runtime) {
        Color c = client.resources(Color.class).inNamespace(ns).withName(Names.color(colony, color)).get();
        boolean pinned = c != null && c.getSpec().getVersion() != null && !c.getSpec().getVersion().isBlank();
        int replicas = c == null ? 0 : c.getSpec().getReplicas();
        StatefulSet sts = client.apps().statefulSets().inNamespace(ns).withName(Names.color(colony, color)).get();
        String stsVersion = null;
        boolean observed = false;
        if (sts != null) {
            var labels = sts.getSpec().getTemplate().getMetadata().getLabels();
            stsVersion = labels == null ? null : labels.get(Names.VERSION_LABEL);
            Long seen = sts.getStatus() == null ? null : sts.getStatus().getObservedGeneration();
            observed = seen != null && seen >= sts.getMetadata().getGeneration();
        }
        List<Pod> pods = client.pods().inNamespace(ns).withLabels(ColorResources.selector(colony, color)).list().getItems();
        ColorSurvey survey = ColorSurvey.of(runtime, pods.stream().map(x -> x.getMetadata().getName()).toList());
        List<Rollout.PodView> views = new ArrayList<>();
        for (Pod pod : pods) {
            String n = pod.getMetadata().getName();
            views.add(new Rollout.PodView(n, pod.getMetadata().getUid(), pod.getMetadata().getLabels().get(Names.VERSION_LABEL),
                    pod.getMetadata().getDeletionTimestamp() != null, survey.up(n), runtime.healthy(n), survey.caughtUp(n),
                    survey.withoutNode(n)));
        }
        return new Rollout.ColorView(color, pinned, replicas, stsVersion, observed, views);
    }

    // ---- validation metrics --------------------------------------------------------------------

    private Rollout.Evidence evidence(Colony colony, ColonyRuntime runtime, String color, RolloutStatus recorded) {
        Baseline b = baselines.get(colony.getMetadata().getName());
        if (recorded == null || b == null || !b.color().equals(color) || !b.startedAt().equals(recorded.getValidationStartedAt())) {
            return new Rollout.Evidence.NoBaseline();
        }
        Map<String, ColorMetrics.Sample> now = sampleAll(colony, runtime);
        List<String> done = recorded.getColorsDone() == null ? List.of() : recorded.getColorsDone();
        List<String> notRolled = colony.getSpec().getColors().stream().filter(c -> !c.equals(color) && !done.contains(c)).toList();
        List<String> compareWith = notRolled.isEmpty() ? done.stream().filter(c -> !c.equals(color)).toList() : notRolled;
        ColorMetrics.Sample rolled = now.getOrDefault(color, ColorMetrics.Sample.ZERO).since(b.byColor().getOrDefault(color, ColorMetrics.Sample.ZERO));
        ColorMetrics.Sample base = ColorMetrics.Sample.ZERO;
        for (String c : compareWith) {
            base = base.plus(now.getOrDefault(c, ColorMetrics.Sample.ZERO).since(b.byColor().getOrDefault(c, ColorMetrics.Sample.ZERO)));
        }
        RolloutPolicy p = colony.getSpec().getRollout();
        return ColorMetrics.compare(color, rolled, base, p.getMaxErrorRatePercent(), p.getMaxLatencyRegressionPercent(),
                p.getMinRequestsToCompare());
    }

    /** Every color's request figures now, summed over its nodes that answer. */
    private Map<String, ColorMetrics.Sample> sampleAll(Colony colony, ColonyRuntime runtime) {
        String ns = colony.getMetadata().getNamespace();
        Map<String, ColorMetrics.Sample> out = new TreeMap<>();
        for (String color : colony.getSpec().getColors()) {
            List<Future<ColorMetrics.Sample>> asked = new ArrayList<>();
            for (Pod pod : client.pods().inNamespace(ns).withLabels(ColorResources.selector(colony.getMetadata().getName(), color))
                    .list().getItems()) {
                String ip = runtime.address(pod.getMetadata().getName());
                if (ip != null) {
                    asked.add(runtime.submit(() -> scrape(ip)));
                }
            }
            List<ColorMetrics.Sample> samples = new ArrayList<>();
            for (Future<ColorMetrics.Sample> f : asked) {
                try {
                    samples.add(f.get(SCRAPE_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return out;
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    f.cancel(true); // a node that does not answer adds nothing; its health checks say the rest
                }
            }
            out.put(color, ColorMetrics.sum(samples));
        }
        return out;
    }

    private ColorMetrics.Sample scrape(String ip) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + NodePorts.http(ip) + "/metrics")).timeout(SCRAPE_TIMEOUT).GET().build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new java.io.IOException("GET /metrics answered " + r.statusCode());
        }
        return ColorMetrics.parse(r.body());
    }

    /** The colony is gone. */
    void forget(String colony) {
        baselines.remove(colony);
    }
}
