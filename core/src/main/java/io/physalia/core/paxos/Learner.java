package io.physalia.core.paxos;

import io.physalia.core.Invariants;
import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import io.physalia.core.cell.CellStateMachine;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Member;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;

/**
 * The learner role: which values are chosen, applying them to the state machine in slot order,
 * and keeping a recent segment of the log (for log-based teaching) and periodic snapshots (for
 * bulk teaching and compaction).
 */
final class Learner {
    private final ReplicaConfig config;
    private CellStateMachine state;
    private long chosenUpTo;            // every slot below is chosen, known and applied
    private TreeMap<Long, Batch> ahead; // chosen values beyond a hole
    private ArrayDeque<Batch> log;      // chosen values of [logStart, chosenUpTo)
    private long logStart;
    private long snapshotAt;
    private boolean hasState; // false for a joining member until its first snapshot arrives

    record Applied(long slot, Batch batch, List<CommandResult> results) {}

    Learner(ReplicaConfig config, CellStateMachine state, long appliedUpTo, boolean hasState) {
        this.config = config;
        this.hasState = hasState;
        this.state = state;
        this.chosenUpTo = appliedUpTo;
        this.logStart = appliedUpTo;
        this.snapshotAt = appliedUpTo;
    }

    CellStateMachine state() {
        return state;
    }

    long chosenUpTo() {
        return chosenUpTo;
    }

    long logStart() {
        return logStart;
    }

    /**
     * A founding member starts from the state before slot 0; a joining member starts with no
     * state at all (only the configuration it joins), so it may not replay log entries until a
     * snapshot has given it a state to replay them on.
     */
    boolean hasState() {
        return hasState;
    }

    boolean hasHole() {
        return ahead != null;
    }

    /** The chosen value of {@code slot} if this learner still has it, else null. */
    Batch chosenAt(long slot) {
        if (slot >= logStart && slot < chosenUpTo && log != null) {
            return get(slot);
        }
        return ahead == null ? null : ahead.get(slot);
    }

    private Batch get(long slot) {
        Iterator<Batch> it = log.iterator();
        for (long s = logStart; s < slot; s++) {
            it.next();
        }
        return it.next();
    }

    /** Chosen values of consecutive slots from {@code from}, at most {@code max}. */
    List<Batch> segment(long from, int max) {
        List<Batch> out = new ArrayList<>();
        if (log == null || from < logStart) {
            return out;
        }
        Iterator<Batch> it = log.iterator();
        for (long s = logStart; it.hasNext() && out.size() < max; s++) {
            Batch b = it.next();
            if (s >= from) {
                out.add(b);
            }
        }
        return out;
    }

    /**
     * Records that {@code value} is chosen at {@code slot} and applies every slot that became
     * contiguous. A second, different value for a known slot stops the replica (an invariant).
     */
    List<Applied> learn(long slot, Batch value, Effects fx, boolean persist, ReplicaObserver observer,
                        String cell, Member self) {
        if (slot < chosenUpTo) {
            Batch known = chosenAt(slot);
            Invariants.check(known == null || known.equals(value), "slot %d chosen twice with different values", slot);
            return List.of();
        }
        if (ahead != null && ahead.containsKey(slot)) {
            Invariants.check(ahead.get(slot).equals(value), "slot %d chosen twice with different values", slot);
            return List.of();
        }
        if (persist) {
            fx.persist(new DurableRecord.Chosen(slot, value));
        }
        observer.chosen(cell, self, slot, value);
        if (slot != chosenUpTo || !hasState) {
            if (ahead == null) {
                ahead = new TreeMap<>();
            }
            ahead.put(slot, value);
            return List.of();
        }
        List<Applied> applied = new ArrayList<>(1);
        applyOne(slot, value, applied);
        drainAhead(applied);
        maybeSnapshot(fx);
        return applied;
    }

    private void drainAhead(List<Applied> applied) {
        while (ahead != null && ahead.containsKey(chosenUpTo)) {
            long s = chosenUpTo;
            Batch b = ahead.remove(s);
            if (ahead.isEmpty()) {
                ahead = null;
            }
            applyOne(s, b, applied);
        }
    }

    private void applyOne(long slot, Batch value, List<Applied> out) {
        List<CommandResult> results = state.apply(slot, value);
        chosenUpTo = slot + 1;
        if (config.retainLogSlots() > 0) {
            if (log == null) {
                log = new ArrayDeque<>();
            }
            log.addLast(value);
            while (log.size() > config.retainLogSlots()) {
                log.removeFirst();
                logStart++;
            }
        } else {
            logStart = chosenUpTo;
        }
        out.add(new Applied(slot, value, results));
    }

    private void maybeSnapshot(Effects fx) {
        if (chosenUpTo - snapshotAt >= config.snapshotEverySlots()) {
            fx.persist(new DurableRecord.Snapshot(state.snapshot(chosenUpTo)));
            snapshotAt = chosenUpTo;
        }
    }

    /** Bulk teaching: replace everything below the snapshot's slot with it. */
    List<Applied> install(CellSnapshot s, Effects fx) {
        Invariants.check(s.appliedUpTo() > chosenUpTo, "snapshot at %d is not ahead of %d", s.appliedUpTo(), chosenUpTo);
        state = CellStateMachine.restore(s, config.limits(), config.alpha());
        hasState = true;
        chosenUpTo = s.appliedUpTo();
        logStart = chosenUpTo;
        snapshotAt = chosenUpTo;
        log = null;
        if (ahead != null) {
            ahead.headMap(chosenUpTo).clear();
            if (ahead.isEmpty()) {
                ahead = null;
            }
        }
        fx.persist(new DurableRecord.Snapshot(s));
        List<Applied> applied = new ArrayList<>();
        drainAhead(applied);
        return applied;
    }

    /** Used by the teacher to size a snapshot against a log segment. */
    CellSnapshot snapshot() {
        return state.snapshot(chosenUpTo);
    }
}
