package io.physalia.simworld;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * The one clock and event loop of a simulation. Events run one at a time, ordered by
 * (simulated time, order of scheduling), so two events due at the same millisecond run in the
 * order they were scheduled and a run is a pure function of its inputs and seed.
 *
 * <p>Time only moves when an event runs (or when a {@code runUntil} reaches its target), so
 * the code under test cannot observe anything but simulated time.
 */
public final class SimScheduler {
    /** Generous enough for long simulations, small enough to stop a livelock in seconds. */
    public static final long DEFAULT_EVENT_LIMIT = 50_000_000L;

    private static final Comparator<ScheduledEvent> RUN_ORDER =
            Comparator.comparingLong((ScheduledEvent e) -> e.dueAtMillis).thenComparingLong(e -> e.sequence);

    /** Cancelled events are removed lazily; past this many, they are swept out in one pass. */
    private static final int SWEEP_THRESHOLD = 1024;

    private final PriorityQueue<ScheduledEvent> queue = new PriorityQueue<>(RUN_ORDER);
    private final List<Runnable> afterEachEvent = new ArrayList<>();
    private long nowMillis;
    private long nextSequence;
    private long eventsRun;
    private long eventLimit = DEFAULT_EVENT_LIMIT;
    private int cancelledInQueue;
    private boolean insideEvent;

    public long now() {
        return nowMillis;
    }

    /** Schedules {@code action} at an absolute simulated time, which may be now but not earlier. */
    public Timer at(long timeMillis, Runnable action) {
        Objects.requireNonNull(action, "action");
        if (timeMillis < nowMillis) {
            throw new IllegalArgumentException(
                    "cannot schedule in the past: " + timeMillis + " ms < now " + nowMillis + " ms");
        }
        ScheduledEvent event = new ScheduledEvent(timeMillis, nextSequence++, action);
        queue.add(event);
        return event;
    }

    /** Schedules {@code action} {@code delayMillis} after now (zero runs it after the events already due now). */
    public Timer after(long delayMillis, Runnable action) {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delay must be >= 0, was " + delayMillis);
        }
        return at(Math.addExact(nowMillis, delayMillis), action);
    }

    /**
     * Registers a check that runs after every event (invariants). Hooks run in registration
     * order; an exception from a hook stops the run like an exception from the event itself.
     */
    public void afterEachEvent(Runnable hook) {
        afterEachEvent.add(Objects.requireNonNull(hook, "hook"));
    }

    /** Sets how many events this scheduler may run in total before failing with {@link EventLimitExceeded}. */
    public void setEventLimit(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("event limit must be > 0, was " + limit);
        }
        eventLimit = limit;
    }

    public long eventLimit() {
        return eventLimit;
    }

    public long eventsRun() {
        return eventsRun;
    }

    /** Events scheduled and neither run nor cancelled. */
    public int pendingEvents() {
        return queue.size() - cancelledInQueue;
    }

    /** Due time of the next live event, or {@link Long#MAX_VALUE} when nothing is scheduled. */
    public long nextEventAtMillis() {
        ScheduledEvent next = peekLive();
        return next == null ? Long.MAX_VALUE : next.dueAtMillis;
    }

    /** Runs the next event, advancing time to it. Returns false (and does nothing) if none is scheduled. */
    public boolean runNext() {
        if (insideEvent) {
            // Nested running would let one event observe another half-finished.
            throw new IllegalStateException("runNext called from inside an event or hook");
        }
        ScheduledEvent event = peekLive();
        if (event == null) {
            return false;
        }
        if (eventsRun >= eventLimit) {
            throw new EventLimitExceeded(eventLimit, nowMillis);
        }
        queue.poll();
        event.fired = true;
        nowMillis = event.dueAtMillis;
        eventsRun++;
        insideEvent = true;
        try {
            event.action.run();
            // Indexed loop: a hook may register another hook.
            for (int i = 0; i < afterEachEvent.size(); i++) {
                afterEachEvent.get(i).run();
            }
        } finally {
            insideEvent = false;
        }
        return true;
    }

    /** Runs every event due at or before {@code timeMillis}, then sets the time to {@code timeMillis}. */
    public void runUntil(long timeMillis) {
        requireNotBeforeNow(timeMillis);
        while (nextEventAtMillis() <= timeMillis) {
            runNext();
        }
        nowMillis = timeMillis;
    }

    /** Runs for {@code durationMillis} of simulated time. */
    public void runFor(long durationMillis) {
        if (durationMillis < 0) {
            throw new IllegalArgumentException("duration must be >= 0, was " + durationMillis);
        }
        runUntil(Math.addExact(nowMillis, durationMillis));
    }

    /**
     * Runs events until {@code done} holds (checked before each event) or no event is due by
     * {@code maxTimeMillis}. Returns whether {@code done} held. On success time stays at the event
     * that made it true; on failure time advances to {@code maxTimeMillis}.
     */
    public boolean runUntil(BooleanSupplier done, long maxTimeMillis) {
        Objects.requireNonNull(done, "done");
        requireNotBeforeNow(maxTimeMillis);
        while (!done.getAsBoolean()) {
            if (nextEventAtMillis() > maxTimeMillis) {
                nowMillis = maxTimeMillis;
                return false;
            }
            runNext();
        }
        return true;
    }

    /** Runs until nothing is scheduled. Never returns while timers keep re-arming; the event limit catches that. */
    public void runUntilIdle() {
        while (runNext()) {
            // keep going
        }
    }

    private void requireNotBeforeNow(long timeMillis) {
        if (timeMillis < nowMillis) {
            throw new IllegalArgumentException("time " + timeMillis + " ms is before now " + nowMillis + " ms");
        }
    }

    private ScheduledEvent peekLive() {
        ScheduledEvent head = queue.peek();
        while (head != null && head.cancelled) {
            queue.poll();
            cancelledInQueue--;
            head = queue.peek();
        }
        return head;
    }

    private void noteCancelled() {
        cancelledInQueue++;
        // Protocols re-arm timeouts constantly; without a sweep the queue would fill with corpses.
        if (cancelledInQueue > SWEEP_THRESHOLD && cancelledInQueue > queue.size() / 2) {
            queue.removeIf(e -> e.cancelled);
            cancelledInQueue = 0;
        }
    }

    private final class ScheduledEvent implements Timer {
        private final long dueAtMillis;
        private final long sequence;
        private final Runnable action;
        private boolean fired;
        private boolean cancelled;

        ScheduledEvent(long dueAtMillis, long sequence, Runnable action) {
            this.dueAtMillis = dueAtMillis;
            this.sequence = sequence;
            this.action = action;
        }

        @Override
        public boolean cancel() {
            if (fired || cancelled) {
                return false;
            }
            cancelled = true;
            noteCancelled();
            return true;
        }

        @Override
        public boolean isPending() {
            return !fired && !cancelled;
        }

        @Override
        public long dueAtMillis() {
            return dueAtMillis;
        }

        @Override
        public String toString() {
            return "event#" + sequence + "@" + dueAtMillis + "ms" + (cancelled ? " (cancelled)" : fired ? " (ran)" : "");
        }
    }
}
