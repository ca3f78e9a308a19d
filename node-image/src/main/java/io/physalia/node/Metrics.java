package io.physalia.node;

import io.physalia.core.cell.Batch;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.wire.DecodeResult;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node's Prometheus metrics, in a registry of its own (several nodes may share a JVM in tests).
 * Every sample carries the labels {@code colony}, {@code color} (empty for a node without one) and
 * {@code node}, added at scrape time, so no metric can be registered without them.
 */
final class Metrics {
    /** Labels on every sample, in this order, before the metric's own. */
    static final List<String> NODE_LABELS = List.of("colony", "color", "node");
    /** Where {@link #stampRequest} keeps a request's start in its routing context. */
    private static final String REQUEST_START = "physalia.metrics.start";

    final CollectorRegistry registry = new CollectorRegistry();
    private final List<String> nodeLabelValues;

    final Counter requests = Counter.build("physalia_requests_total", "Client requests by operation and result.")
            .labelNames("op", "result").register(registry);
    final Histogram requestSeconds = Histogram.build("physalia_request_duration_seconds",
                    "Time from receiving a client request to answering it, by operation and result.")
            .labelNames("op", "result")
            .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10).register(registry);
    final Counter proposals = Counter.build("physalia_proposals_total",
            "Log slots this node proposed as leader (retransmissions not counted).").register(registry);
    final Histogram batchCommands = Histogram.build("physalia_batch_commands",
                    "Commands in each batch this node proposed (0 for a no-op filling a slot).")
            .buckets(0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
    final Histogram pipelineFullness = Histogram.build("physalia_pipeline_fullness",
                    "Share of the cell's pipeline window (alpha slots) in flight when this node proposed a slot.")
            .buckets(fullnessBuckets(ReplicaConfig.DEFAULT.alpha())).register(registry);
    final Counter slotsChosen = Counter.build("physalia_slots_chosen_total", "Log slots learned as chosen, over all hosted replicas.")
            .register(registry);
    final Counter messagesSent = Counter.build("physalia_messages_sent_total", "Replica messages sent to peers, by type.")
            .labelNames("type").register(registry);
    final Counter teaching = Counter.build("physalia_teaching_total",
                    "Teaching messages sent: request (this replica asks to learn), log and snapshot (it teaches).")
            .labelNames("kind").register(registry);
    final Counter cellsStopped = Counter.build("physalia_cells_stopped_total", "Replicas stopped by a failed invariant check.")
            .register(registry);

    Metrics(Node node) {
        NodeConfig c = node.config();
        nodeLabelValues = List.of(c.colony(), c.color() == null ? "" : c.color(), c.name());
        for (String kind : List.of("request", "log", "snapshot")) {
            teaching.labels(kind); // present from the start at 0, so rates work from the first scrape
        }
        gauge("physalia_cells_hosted", "Cell replicas hosted by this node.", node::cellCount);
        gauge("physalia_cells_refused", "Cells refused because their durable records are damaged.", node::refusedCount);
        gauge("physalia_cells_leading", "Hosted replicas that lead their cell.", () -> node.census().leading());
        gauge("physalia_cells_without_quorum",
                "Hosted replicas whose cell has fewer members alive (by this node's pings, itself included) than a quorum.",
                node::cellsWithoutQuorum);
        gauge("physalia_peers_alive", "Peers of the directory whose pings arrived recently.",
                () -> node.transport() == null ? 0 : node.transport().alivePeers(node.nowMillis()));
        gauge("physalia_peers_known", "Peers in this node's directory (from --peers, then as the control plane sets it).",
                () -> node.peers().size());
        gauge("physalia_log_records_written", "Records appended to the node log since start.", () -> node.log().recordsWritten());
        gauge("physalia_log_syncs", "Syncs (group commits) of the node log since start.", () -> node.log().syncs());
        gauge("physalia_log_bytes", "Bytes in the node log's segment files (what a restart replays after the checkpoint).",
                () -> node.log().sizeBytes());
        gauge("physalia_log_segments", "Node log segment files on disk.", () -> node.log().segmentCount());
        gauge("physalia_checkpoints", "Checkpoints completed since start (sealed log segments folded into MapDB).",
                () -> node.storage().checkpointer().checkpoints());
        gauge("physalia_checkpoint_failures", "Checkpoints that failed since start (the log keeps every record).",
                () -> node.storage().checkpointer().failures());
        gauge("physalia_checkpoint_last_millis", "How long the last checkpoint took.",
                () -> node.storage().checkpointer().lastMillis());
        gauge("physalia_checkpoint_generation", "The checkpoint store's current generation (0: none yet).",
                () -> node.storage().checkpoints().generation());
        gauge("physalia_checkpoint_bytes", "Bytes of the checkpoint store's two MapDB files.",
                () -> node.storage().checkpoints().sizeBytes());
        gauge("physalia_wakeup_timers", "Replicas with a wakeup timer set (idle cells have none).", node::pendingWakeups);
        gauge("physalia_keyring_signing_key_id", "The key id this node signs frames with.",
                () -> node.keys().keyring().signingKeyId());
        gauge("physalia_keyring_keys", "Keys this node accepts frames under.", () -> node.keys().keyring().keyIds().size());
        new CountersRead("physalia_key_file_reloads_total",
                "Changes of the key file: applied (new keys in use) or refused (invalid; the keys in use stay).", "result",
                () -> {
                    PeerTransport t = node.transport();
                    Map<String, Long> m = new LinkedHashMap<>();
                    m.put("applied", t == null ? 0 : t.keyReloadsApplied.get());
                    m.put("refused", t == null ? 0 : t.keyReloadsRefused.get());
                    return m;
                }).register(registry);
        new CountersRead("physalia_frames_accepted_total",
                "Inter-node frames and pings accepted, by the id of the key that signed them (an old key is out of use "
                        + "once its count stops growing on every node).", "key_id",
                () -> {
                    Map<String, Long> m = new LinkedHashMap<>();
                    if (node.transport() != null) {
                        node.transport().acceptedByKey().forEach((k, n) -> m.put(Integer.toString(k), n));
                    }
                    return m;
                }).register(registry);
        new CountersRead("physalia_peer_frames_dropped_total",
                "Outgoing frames not sent: peer not connected, connection busy (queue_full), or not encodable.", "reason",
                () -> {
                    PeerTransport t = node.transport();
                    Map<String, Long> m = new LinkedHashMap<>();
                    m.put("not_connected", t == null ? 0 : t.framesDroppedNotConnected.get());
                    m.put("queue_full", t == null ? 0 : t.framesDroppedQueueFull.get());
                    m.put("unencodable", t == null ? 0 : t.framesDroppedUnencodable.get());
                    return m;
                }).register(registry);
        new CountersRead("physalia_peer_frames_unknown_peer_total",
                "Inter-node frames and pings refused because their sender is not in this node's peer directory "
                        + "(not told of it yet, or removed).", null,
                () -> Map.of("", node.transport() == null ? 0 : node.transport().unknownPeer.get())).register(registry);
        new CountersRead("physalia_peer_frames_wrong_color_total",
                "Peer frames and pings refused because they came from, or were meant for, a node of another color.", null,
                () -> Map.of("", node.transport() == null ? 0 : node.transport().wrongColor.get())).register(registry);
        new CountersRead("physalia_frames_rejected_total",
                "Inter-node frames and pings dropped by the wire codec, by reason (BAD_HMAC, REPLAYED, WRONG_SESSION...).",
                "reason", () -> {
                    Map<String, Long> m = new LinkedHashMap<>();
                    if (node.transport() != null) {
                        node.transport().rejections().forEach((r, n) -> m.put(r.name(), n));
                    } else {
                        for (DecodeResult.Reason r : DecodeResult.Reason.values()) {
                            m.put(r.name(), 0L);
                        }
                    }
                    return m;
                }).register(registry);
    }

    private static double[] fullnessBuckets(int alpha) {
        double[] b = new double[alpha];
        for (int k = 1; k <= alpha; k++) {
            b[k - 1] = (double) k / alpha;
        }
        return b;
    }

    private void gauge(String name, String help, Supplier<Number> value) {
        Gauge.build(name, help).create().setChild(new Gauge.Child() {
            @Override
            public double get() {
                return value.get().doubleValue();
            }
        }).register(registry);
    }

    /** Marks the start of an HTTP request (the first route handler); {@link #request} reads it. */
    static void stampRequest(RoutingContext rc) {
        rc.put(REQUEST_START, System.nanoTime());
        rc.next();
    }

    /** A client request answered with {@code result}: counted, and timed from its stamp. */
    void request(RoutingContext rc, String op, String result) {
        requests.labels(op, result).inc();
        Long start = rc.get(REQUEST_START);
        if (start != null) {
            requestSeconds.labels(op, result).observe((System.nanoTime() - start) / 1e9);
        }
    }

    /** A slot this node proposed as leader: its batch size and how full the pipeline now is. */
    void proposed(Batch value, int slotsInFlight, int window) {
        proposals.inc();
        batchCommands.observe(value.commands().size());
        pipelineFullness.observe((double) slotsInFlight / window);
    }

    /** A replica message handed to the transport. */
    void sent(Envelope e) {
        messagesSent.labels(e.message().getClass().getSimpleName()).inc();
        switch (e.message()) {
            case Message.TeachRequest m -> teaching.labels("request").inc();
            case Message.TeachLog m -> teaching.labels("log").inc();
            case Message.TeachSnapshot m -> teaching.labels("snapshot").inc();
            default -> { }
        }
    }

    /** The Prometheus text exposition, every sample labelled with colony, color and node. */
    String scrape() {
        List<Collector.MetricFamilySamples> labelled = new ArrayList<>();
        Enumeration<Collector.MetricFamilySamples> all = registry.metricFamilySamples();
        while (all.hasMoreElements()) {
            Collector.MetricFamilySamples f = all.nextElement();
            List<Collector.MetricFamilySamples.Sample> samples = new ArrayList<>(f.samples.size());
            for (Collector.MetricFamilySamples.Sample s : f.samples) {
                List<String> names = new ArrayList<>(NODE_LABELS);
                names.addAll(s.labelNames);
                List<String> values = new ArrayList<>(nodeLabelValues);
                values.addAll(s.labelValues);
                samples.add(new Collector.MetricFamilySamples.Sample(s.name, names, values, s.value, s.exemplar, s.timestampMs));
            }
            labelled.add(new Collector.MetricFamilySamples(f.name, f.unit, f.type, f.help, samples));
        }
        StringWriter w = new StringWriter();
        try {
            TextFormat.write004(w, Collections.enumeration(labelled));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /**
     * A counter family whose values are read at scrape time from counters kept elsewhere: one
     * sample per value of {@code label}, or, with a null label, the one sample under key "".
     */
    private static final class CountersRead extends Collector {
        private final String name;
        private final String help;
        private final String label;
        private final Supplier<Map<String, Long>> values;

        CountersRead(String name, String help, String label, Supplier<Map<String, Long>> values) {
            this.name = name;
            this.help = help;
            this.label = label;
            this.values = values;
        }

        @Override
        public List<MetricFamilySamples> collect() {
            List<MetricFamilySamples.Sample> samples = new ArrayList<>();
            values.get().forEach((v, n) -> samples.add(label == null
                    ? new MetricFamilySamples.Sample(name, List.of(), List.of(), n)
                    : new MetricFamilySamples.Sample(name, List.of(label), List.of(v), n)));
            // the family name drops _total: simpleclient adds it back for counters in the text format
            return List.of(new MetricFamilySamples(name.substring(0, name.length() - "_total".length()), Type.COUNTER, help, samples));
        }
    }
}
