package io.physalia.controlplane;

import io.physalia.topology.Location;
import java.util.List;
import java.util.Objects;

/**
 * What the engine must remember across a restart of whatever drives it: its cells (color, size,
 * clients, members), the actions in flight, the big red button and the running counters. Node
 * health is not part of it: the driver reports health afresh after a restart. Token buckets are
 * not either: they start full again. Taken with {@link ControlPlane#state()}, given back with
 * {@link ControlPlane#restore(EngineState)}, which checks it against the fleet.
 *
 * <p>An in-flight action's cell lists the joining node and not the leaving one, as the engine's
 * model does from the moment the action is issued.
 */
public record EngineState(
        boolean paused,
        String pauseReason,
        long pausedAtMillis,
        long nextActionId,
        List<CellState> cells,
        List<Action> inFlight,
        Counters counters) {

    /** One cell as the engine knows it. */
    public record CellState(String id, String color, int size, List<Location> clients, List<String> members) {
        public CellState {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(color, "color");
            clients = List.copyOf(clients);
            members = List.copyOf(members);
        }
    }

    /** The totals {@link EngineStatus} reports, so they keep counting across restarts. */
    public record Counters(long repairsIssued, long movesIssued, long caughtUp, long aborted, long deferredByRateLimit) {
        public static final Counters ZERO = new Counters(0, 0, 0, 0, 0);
    }

    public EngineState {
        pauseReason = Objects.requireNonNullElse(pauseReason, "");
        cells = List.copyOf(cells);
        inFlight = List.copyOf(inFlight);
        Objects.requireNonNull(counters, "counters");
    }
}
