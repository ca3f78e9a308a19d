package io.physalia.node.storage;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import io.physalia.core.cell.CellStateMachine;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.ReplicaConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Folds one cell's durable records, in log order, into the few records that rebuild the same
 * replica through {@code Replica.recover}: its Identity, one Snapshot at the end of the applied
 * prefix, the highest ballot promised, the accepted values from there on and the chosen values
 * beyond a hole. The rules mirror {@code Replica.recover} (which is what makes a checkpoint
 * plus the log after it recover the same replica as the whole log):
 * <ul>
 *   <li>an Identity starts a new incarnation: everything before it is dead;</li>
 *   <li>the promise is the highest ballot of any Promised or AcceptedValue record;</li>
 *   <li>per slot, the accepted value of the highest ballot (the later one on a tie);</li>
 *   <li>the snapshot with the highest {@code appliedUpTo} (above 0) is installed, then every
 *       chosen value contiguous from it is applied; accepted and chosen values below the
 *       applied prefix are forgotten;</li>
 *   <li>a member that joined by a membership change (incarnation above 0) has no state until a
 *       snapshot arrives, so its chosen values all wait.</li>
 * </ul>
 * The state machine is deterministic, so applying the contiguous chosen values here and
 * snapshotting gives the state recovery would build by applying them itself.
 */
final class CellFold {
    private final String cell;
    private DurableRecord.Identity identity;
    private CellSnapshot snapshot;
    private Ballot promised = Ballot.ZERO;
    private final TreeMap<Long, DurableRecord.AcceptedValue> accepted = new TreeMap<>();
    private final TreeMap<Long, Batch> chosen = new TreeMap<>();
    private String refusal;
    private boolean applyFailed;

    CellFold(String cell) {
        this.cell = cell;
    }

    /** A fold that starts from {@code records} (a checkpoint's, or a whole history). */
    static CellFold of(String cell, List<DurableRecord> records) {
        CellFold f = new CellFold(cell);
        records.forEach(f::add);
        return f;
    }

    void add(DurableRecord r) {
        if (r instanceof DurableRecord.Identity id) {
            identity = id;
            snapshot = null;
            promised = Ballot.ZERO;
            accepted.clear();
            chosen.clear();
            refusal = null;
            applyFailed = false;
            return;
        }
        if (refusal != null) {
            return;
        }
        if (identity == null) {
            refuse("records without an Identity record before them");
            return;
        }
        switch (r) {
            case DurableRecord.Identity id -> throw new AssertionError("handled above");
            case DurableRecord.Promised p -> raise(p.ballot());
            case DurableRecord.AcceptedValue a -> {
                raise(a.ballot());
                DurableRecord.AcceptedValue cur = accepted.get(a.slot());
                if (a.slot() >= snapshotSlot() && (cur == null || a.ballot().isAtLeast(cur.ballot()))) {
                    accepted.put(a.slot(), a);
                }
            }
            case DurableRecord.Chosen c -> {
                if (c.slot() >= snapshotSlot()) {
                    chosen.put(c.slot(), c.value());
                }
            }
            case DurableRecord.Snapshot s -> {
                long at = s.snapshot().appliedUpTo();
                if (at > snapshotSlot()) {
                    snapshot = s.snapshot();
                    accepted.headMap(at).clear(); // below a snapshot recovery forgets them
                    chosen.headMap(at).clear();
                }
            }
        }
    }

    /** Below this slot recovery forgets accepted and chosen values (the snapshot holds their effect). */
    private long snapshotSlot() {
        return snapshot == null ? 0 : snapshot.appliedUpTo();
    }

    private void raise(Ballot b) {
        if (b.isAfter(promised)) {
            promised = b;
        }
    }

    /** Marks the cell's durable records as damaged: it must be refused until it is hosted anew. */
    void refuse(String reason) {
        refusal = reason;
    }

    /** Why the cell must be refused, or null if it need not be. */
    String refusal() {
        return refusal;
    }

    /** Whether an Identity record has been seen (a cell with records has one first). */
    boolean hasIdentity() {
        return identity != null;
    }

    /**
     * Applies the chosen values contiguous after the snapshot (or after the initial state) and
     * keeps the result as the snapshot, forgetting what recovery would forget below it. Done
     * once the chosen values pile up, so that a fold stays about the size of the cell's state.
     */
    void foldIfLarge(ReplicaConfig config) {
        if (chosen.size() > FOLD_AFTER_CHOSEN && refusal == null && identity != null) {
            foldApplied(config);
        }
    }

    private static final int FOLD_AFTER_CHOSEN = 64;

    /** Returns the end of the applied prefix, after folding the contiguous chosen values into the snapshot. */
    private long foldApplied(ReplicaConfig config) {
        long base = snapshot == null ? 0 : snapshot.appliedUpTo();
        boolean hasState = identity.self().incarnation() == 0 || snapshot != null;
        if (!hasState || applyFailed) {
            return base;
        }
        long upTo = base;
        while (chosen.containsKey(upTo)) {
            upTo++;
        }
        if (upTo == base) {
            return base;
        }
        try {
            CellStateMachine sm = snapshot != null
                    ? CellStateMachine.restore(snapshot, config.limits(), config.alpha())
                    : CellStateMachine.create(identity.cell(), identity.initial(), config.limits(), config.alpha());
            for (long s = base; s < upTo; s++) {
                sm.apply(s, chosen.get(s));
            }
            snapshot = sm.snapshot(upTo);
        } catch (RuntimeException e) {
            // Recovery will meet the same failure and refuse the cell; keep the records for it to judge.
            applyFailed = true;
            return base;
        }
        chosen.headMap(upTo).clear();
        accepted.headMap(upTo).clear();
        return upTo;
    }

    /** The compact records; only for a cell that is not refused and has an identity. */
    List<DurableRecord> compact(ReplicaConfig config) {
        if (refusal != null || identity == null) {
            throw new IllegalStateException("cell " + cell + " has nothing to compact: " + refusal);
        }
        long upTo = foldApplied(config);
        List<DurableRecord> out = new ArrayList<>();
        out.add(identity);
        if (snapshot != null) {
            out.add(new DurableRecord.Snapshot(snapshot));
        }
        if (promised.isAfter(Ballot.ZERO)) {
            out.add(new DurableRecord.Promised(promised));
        }
        out.addAll(accepted.tailMap(upTo).values());
        chosen.tailMap(upTo).forEach((slot, value) -> out.add(new DurableRecord.Chosen(slot, value)));
        return out;
    }
}
