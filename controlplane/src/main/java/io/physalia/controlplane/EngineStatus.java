package io.physalia.controlplane;

import java.util.List;
import java.util.Map;

/**
 * What the control plane is doing: whether the big red button is pressed, the actions in
 * flight, the cells waiting for repair or for a move closer to their clients, and the cells it
 * cannot help right now with the reason.
 */
public record EngineStatus(
        boolean paused,
        String pauseReason,
        long pausedAtMillis,
        List<Action> inFlight,
        int cellsAwaitingRepair,
        int cellsAwaitingMove,
        Map<String, String> blockedCells,
        long repairsIssued,
        long movesIssued,
        long caughtUp,
        long aborted,
        long deferredByRateLimit) {

    public EngineStatus {
        inFlight = List.copyOf(inFlight);
        blockedCells = Map.copyOf(blockedCells);
    }

    /** A few lines for an operator. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append(paused ? "PAUSED since " + pausedAtMillis + " ms: " + pauseReason + " (no actions are taken)"
                : "running").append('\n');
        b.append("in flight: ").append(inFlight.size()).append("; awaiting repair: ").append(cellsAwaitingRepair)
                .append("; awaiting move-closer: ").append(cellsAwaitingMove).append("; blocked: ")
                .append(blockedCells.size()).append('\n');
        b.append("issued: ").append(repairsIssued).append(" repairs, ").append(movesIssued).append(" moves; caught up: ")
                .append(caughtUp).append("; aborted: ").append(aborted).append("; deferred by rate limit: ")
                .append(deferredByRateLimit).append('\n');
        inFlight.stream().limit(20).forEach(a -> b.append("  ").append(a).append('\n'));
        blockedCells.entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(20)
                .forEach(e -> b.append("  blocked ").append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
        return b.toString();
    }
}
