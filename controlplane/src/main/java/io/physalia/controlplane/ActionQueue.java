package io.physalia.controlplane;

import io.physalia.core.BoundedMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The engine's actions and their states. At most one action per cell is in flight: a cell never
 * loses a second member to the control plane before the first change is reported caught-up.
 * The states of the last {@link #FINISHED_KEPT} finished actions are kept; older ones are only
 * counted, so a control plane that runs for years holds a fixed amount of history.
 */
final class ActionQueue {
    /** How many finished actions' states {@link #state} still answers for. */
    static final int FINISHED_KEPT = 4096;

    private long nextId = 1;
    private final TreeMap<String, Action> inFlightByCell = new TreeMap<>();
    private final Map<Long, Action> inFlightById = new HashMap<>();
    private final Map<Long, ActionState> finished = BoundedMap.oldestFirstOut(FINISHED_KEPT);
    private long caughtUp;
    private long aborted;
    private final Map<ActionKind, Long> issued = new HashMap<>();

    Action issue(ActionKind kind, Cell cell, Node leaving, Node joining, long nowMillis) {
        if (inFlightByCell.containsKey(cell.id())) {
            throw new IllegalStateException("cell " + cell.id() + " already has an action in flight");
        }
        Action a = new Action(nextId++, kind, cell.id(), cell.color(), leaving.name(), joining.name(), nowMillis);
        inFlightByCell.put(cell.id(), a);
        inFlightById.put(a.id(), a);
        issued.merge(kind, 1L, Long::sum);
        return a;
    }

    Optional<Action> inFlight(String cellId) {
        return Optional.ofNullable(inFlightByCell.get(cellId));
    }

    /** Ends an in-flight action; returns it. */
    Action finish(long id, ActionState state) {
        Action a = inFlightById.remove(id);
        if (a == null) {
            throw new IllegalArgumentException("action " + id + " is not in flight" + (finished.containsKey(id)
                    ? " (already " + finished.get(id) + ")" : id > 0 && id < nextId ? " (it finished earlier; its state is no longer kept)" : " (never issued)"));
        }
        inFlightByCell.remove(a.cellId());
        finished.put(id, state);
        if (state == ActionState.CAUGHT_UP) {
            caughtUp++;
        } else {
            aborted++;
        }
        return a;
    }

    /** The action's state; empty for an action never issued, or one of more than {@link #FINISHED_KEPT} finished since. */
    Optional<ActionState> state(long id) {
        if (inFlightById.containsKey(id)) {
            return Optional.of(ActionState.IN_FLIGHT);
        }
        return Optional.ofNullable(finished.get(id));
    }

    List<Action> inFlight() {
        List<Action> out = new ArrayList<>(inFlightById.values());
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    long issued(ActionKind kind) {
        return issued.getOrDefault(kind, 0L);
    }

    long caughtUp() {
        return caughtUp;
    }

    long aborted() {
        return aborted;
    }

    long nextId() {
        return nextId;
    }

    /** Back to a saved state (see {@link EngineState}): the caller has checked that it fits. */
    void restore(long nextId, List<Action> inFlight, EngineState.Counters counters) {
        this.nextId = nextId;
        for (Action a : inFlight) {
            inFlightByCell.put(a.cellId(), a);
            inFlightById.put(a.id(), a);
        }
        issued.put(ActionKind.REPAIR, counters.repairsIssued());
        issued.put(ActionKind.MOVE_CLOSER, counters.movesIssued());
        caughtUp = counters.caughtUp();
        aborted = counters.aborted();
    }
}
