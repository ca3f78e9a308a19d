package io.physalia.node;

import io.physalia.core.wire.DecodeResult;
import io.physalia.core.wire.WireCodec;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The node's Prometheus metrics, in a registry of its own (several nodes may share a JVM in tests). */
final class Metrics {
    final CollectorRegistry registry = new CollectorRegistry();
    final Counter requests = Counter.build("physalia_requests_total", "Client requests by op and result.")
            .labelNames("op", "result").register(registry);
    final Counter proposals = Counter.build("physalia_proposals_total", "Log slots this node proposed (Accept rounds started).")
            .register(registry);
    final Counter slotsChosen = Counter.build("physalia_slots_chosen_total", "Log slots learned as chosen, over all hosted replicas.")
            .register(registry);
    final Counter messagesSent = Counter.build("physalia_messages_sent_total", "Replica messages sent to peers, by type.")
            .labelNames("type").register(registry);
    final Counter cellsStopped = Counter.build("physalia_cells_stopped_total", "Replicas stopped by a failed invariant check.")
            .register(registry);

    Metrics(Node node) {
        Gauge.build("physalia_cells_hosted", "Cell replicas hosted by this node.").create()
                .setChild(new Gauge.Child() {
                    @Override
                    public double get() {
                        return node.cellCount();
                    }
                }).register(registry);
        gauge("physalia_cells_refused", "Cells refused because their durable records are damaged.", () -> node.refusedCount());
        gauge("physalia_peers_alive", "Peers whose pings arrived recently.", () -> node.transport().alivePeers(Node.nowMillis()));
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
        gauge("physalia_wakeup_timers", "Replicas with a wakeup timer set (idle cells have none).", () -> node.pendingWakeups());
        gauge("physalia_peer_frames_dropped", "Outgoing frames dropped because a peer connection was busy.",
                () -> node.transport().framesDroppedQueueFull.get());
        gauge("physalia_peer_frames_wrong_color", "Peer frames and pings refused because the other node has another color.",
                () -> node.transport().wrongColor.get());
        new RejectedFrames(node).register(registry);
    }

    private void gauge(String name, String help, Supplier<Number> value) {
        Gauge.build(name, help).create().setChild(new Gauge.Child() {
            @Override
            public double get() {
                return value.get().doubleValue();
            }
        }).register(registry);
    }

    String scrape() {
        StringWriter w = new StringWriter();
        try {
            TextFormat.write004(w, registry.metricFamilySamples());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    /**
     * Frames dropped by the WireCodec decoders, by reason. The counters are plain longs owned by
     * each connection's event loop; a scrape reads them without a lock and may lag by a frame.
     */
    private static final class RejectedFrames extends Collector {
        private final Node node;

        RejectedFrames(Node node) {
            this.node = node;
        }

        @Override
        public List<MetricFamilySamples> collect() {
            Map<DecodeResult.Reason, Long> sum = new EnumMap<>(DecodeResult.Reason.class);
            for (DecodeResult.Reason r : DecodeResult.Reason.values()) {
                sum.put(r, node.transport().closedRejections.getOrDefault(r, 0L));
            }
            sum.merge(DecodeResult.Reason.TOO_LARGE, node.transport().framesTooLarge.get(), Long::sum);
            for (WireCodec c : node.transport().decoders) {
                c.rejections().snapshot().forEach((r, n) -> sum.merge(r, n, Long::sum));
            }
            List<MetricFamilySamples.Sample> samples = new ArrayList<>();
            sum.forEach((r, n) -> samples.add(new MetricFamilySamples.Sample("physalia_frames_rejected_total",
                    List.of("reason"), List.of(r.name()), n)));
            return List.of(new MetricFamilySamples("physalia_frames_rejected", Type.COUNTER,
                    "Inter-node frames dropped by the wire codec (bad HMAC, unknown key, malformed...).", samples));
        }
    }
}
