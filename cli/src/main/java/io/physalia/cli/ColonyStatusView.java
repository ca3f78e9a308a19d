package io.physalia.cli;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.Cell;
import io.physalia.controlplane.EngineStatus;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.FleetReport;
import io.physalia.controlplane.RateLimits;
import io.physalia.topology.Location;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The text of {@code physalia status}: whether the big red button is pressed, what the control
 * plane is doing (actions in flight with their step, actions that ended lately, blocked cells with
 * the reason, stale replicas waiting to be dropped), the colony by row, rack and power domain with
 * each node's color, health, process and cells, every cell with its clients and members, and the
 * recent events. Built while the caller holds the engine's lock.
 */
final class ColonyStatusView {
    private ColonyStatusView() {}

    /** What a node process looks like from the launcher. */
    record Process(boolean running, long pid) {}

    record Input(EngineStatus engine, Fleet fleet, RateLimits.Config limits, Map<String, Process> processes,
            Map<Long, String> steps, List<ControlStateFile.Finished> recentActions, Map<String, List<String>> staleReplicas,
            List<String> recentEvents) {}

    static String render(Input in) {
        StringBuilder b = new StringBuilder();
        EngineStatus e = in.engine();
        if (e.paused()) {
            b.append("control plane: PAUSED since ").append(time(e.pausedAtMillis())).append(" (").append(e.pauseReason())
                    .append("): no cell is placed, repaired or moved, and no replica dropped, until `physalia resume`\n");
        } else {
            b.append("control plane: running\n");
        }
        b.append("in flight: ").append(e.inFlight().size()).append("; awaiting repair: ").append(e.cellsAwaitingRepair())
                .append("; awaiting move-closer: ").append(e.cellsAwaitingMove()).append("; blocked: ").append(e.blockedCells().size())
                .append('\n');
        b.append("issued: ").append(e.repairsIssued()).append(" repairs, ").append(e.movesIssued()).append(" moves; caught up: ")
                .append(e.caughtUp()).append("; aborted: ").append(e.aborted()).append("; deferred by rate limit: ")
                .append(e.deferredByRateLimit()).append('\n');
        RateLimits.Config l = in.limits();
        b.append("rate limits: bursts of ").append(l.globalBurst()).append(" actions, then one every ")
                .append(seconds(l.globalRefillMillis())).append("; per color bursts of ").append(l.colorBurst())
                .append(", then one every ").append(seconds(l.colorRefillMillis())).append('\n');

        b.append("\nactions in flight:").append(e.inFlight().isEmpty() ? " none\n" : "\n");
        for (Action a : e.inFlight()) {
            b.append("  ").append(action(a)).append(", issued ").append(time(a.issuedAtMillis())).append(": ")
                    .append(in.steps().getOrDefault(a.id(), "waiting for a worker")).append('\n');
        }
        if (!in.recentActions().isEmpty()) {
            b.append("recent actions (newest first):\n");
            in.recentActions().stream().limit(10).forEach(f -> b.append("  ").append(action(f.action())).append(", ")
                    .append(time(f.action().issuedAtMillis())).append(" to ").append(time(f.finishedAtMillis())).append(": ")
                    .append(f.caughtUp() ? "done" : f.detail()).append('\n'));
        }
        if (!e.blockedCells().isEmpty()) {
            b.append("blocked (waiting for the fleet to change):\n");
            new TreeMap<>(e.blockedCells()).forEach((c, why) -> b.append("  ").append(c).append(": ").append(why).append('\n'));
        }
        if (!in.staleReplicas().isEmpty()) {
            b.append("stale replicas (cells that moved away while the node was down), to drop:\n");
            new TreeMap<>(in.staleReplicas()).forEach((n, cells) -> b.append("  ").append(n).append(": ")
                    .append(String.join(", ", cells)).append(e.paused() ? " (not while paused)" : "").append('\n'));
        }

        b.append('\n').append(FleetReport.render(in.fleet(), 20, n -> {
            Process p = in.processes().get(n.name());
            return p == null || !p.running() ? "no process" : "pid " + p.pid();
        }));
        b.append("\ncells:").append(in.fleet().cells().isEmpty() ? " none (physalia create --cell C --client-rack RACK)\n" : "\n");
        for (Cell c : in.fleet().cells()) {
            TreeSet<String> rows = new TreeSet<>();
            c.members().forEach(n -> rows.add(n.rowPath()));
            String clients = c.clients().stream().map(Location::rack).collect(Collectors.joining(","));
            b.append(String.format("  %-12s %-7s size %d  clients %-12s members %-20s in %s%n", c.id(), c.color(), c.size(),
                    clients, String.join(",", c.memberNames()), rows.size() == 1 ? "row " + rows.first() : "rows " + String.join(" and ", rows)));
        }
        b.append("\nrecent events:\n");
        in.recentEvents().forEach(x -> b.append("  ").append(x).append('\n'));
        return b.toString();
    }

    static String action(Action a) {
        return "#" + a.id() + " " + a.kind() + " " + a.cellId() + " (" + a.color() + "): " + a.leaving() + " -> " + a.joining();
    }

    static String time(long epochMillis) {
        return LocalTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }
}
