package io.physalia.node;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test during which Vert.x's blocked-thread checker warned about a node running in this
 * JVM: blocking work on an event loop (a disk sync, a lock, a long loop) stalls every cell that
 * shares the loop, so the checker must stay silent. Registered for every test of this module
 * through the service file and {@code junit.jupiter.extensions.autodetection.enabled}.
 */
public final class EventLoopGuard implements BeforeEachCallback, AfterEachCallback {
    /** The logger Vert.x's checker writes to (java.util.logging is its default backend). */
    static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

    private static final List<String> warnings = new ArrayList<>();
    // Held here so the logger, and the handler on it, are not garbage collected.
    private static final Logger checker = Logger.getLogger(CHECKER_LOGGER);

    static {
        checker.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (warnings) {
                        warnings.add(r.getMessage());
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        synchronized (warnings) {
            warnings.clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> seen;
        synchronized (warnings) {
            seen = List.copyOf(warnings);
            warnings.clear();
        }
        if (!seen.isEmpty()) {
            throw new AssertionError("an event loop was blocked during " + context.getDisplayName() + ": " + seen);
        }
    }
}
