package io.physalia.operator;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Kubernetes Events for what the operator does (placements, refusals, repairs, moves, pauses),
 * so {@code kubectl describe} and {@code kubectl get events} tell the story. Events are written by
 * one background thread from a bounded queue, as client-go's recorder does: a reconcile never
 * waits on the API server for an event, and when the API server falls behind (a thousand cells
 * placed at once) the overflow is counted and dropped rather than queued without end. An Event
 * that cannot be written is logged and dropped.
 */
public final class EventRecorder implements AutoCloseable {
    /** Events waiting to be written, at most. */
    static final int QUEUE = 2000;
    private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
    private static final String COMPONENT = "physalia-operator";

    private final KubernetesClient client;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final java.util.concurrent.ThreadPoolExecutor writer = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
            java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "physalia-events");
                t.setDaemon(true);
                return t;
            }, (r, pool) -> dropped.incrementAndGet());

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    private void record(HasMetadata about, String type, String reason, String message) {
        // a colony has few Colonies and Colors but may have many Cells: their events are in Kubernetes, the log stays quiet
        java.util.logging.Level level = about instanceof io.physalia.crds.Cell ? java.util.logging.Level.FINE : java.util.logging.Level.INFO;
        LOG.log(level, about.getKind() + " " + about.getMetadata().getNamespace() + "/" + about.getMetadata().getName() + " " + reason
                + ": " + message);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(); // when it happened, not when it is written
        writer.execute(() -> write(about, type, reason, message, now));
    }

    private void write(HasMetadata about, String type, String reason, String message, String now) {
        String ns = about.getMetadata().getNamespace();
        String name = (about.getMetadata().getName() + "." + Long.toHexString(System.currentTimeMillis()) + seq.incrementAndGet())
                .toLowerCase(Locale.ROOT);
        try {
            client.v1().events().inNamespace(ns).resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion()).withKind(about.getKind())
                            .withName(about.getMetadata().getName()).withNamespace(ns).withUid(about.getMetadata().getUid()).build())
                    .withType(type).withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 1000) + "..." : message)
                    .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.fine("event " + reason + " on " + about.getKind() + " " + about.getMetadata().getName() + " not recorded: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
