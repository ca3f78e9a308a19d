package io.physalia.monitoring;

import io.physalia.client.PhysaliaClient;
import java.time.Duration;

/**
 * A client that writes to one cell at a steady pace, for tests that need request metrics:
 * the local colony's Prometheus tests and e2e's operator dashboard test.
 */
public final class SteadyWriter {
    private SteadyWriter() {}

    /**
     * Starts a daemon thread that writes to {@code cell} once per {@code every} (keys k0-k9 in
     * turn) until it is interrupted. Failed writes (once the cell's quorum is gone) are ignored
     * and the writer keeps asking, as clients do.
     */
    public static Thread start(PhysaliaClient client, String cell, Duration every) {
        Thread t = new Thread(() -> {
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                try {
                    client.put(cell, "k" + (i % 10), "{\"int\":\"" + i + "\"}");
                    Thread.sleep(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the cell lost its quorum: keep asking
                }
            }
        }, "writer-" + cell);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
