package io.physalia.client;

import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.TxnResult;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.kv.VersionedValue;
import java.util.Optional;

/**
 * A transaction's result as the cell applied it: its status ({@code CONDITION_FAILED} is a
 * committed no-op, not an error), one result per op, the cell revision, and where in the log it
 * sits ({@code slot} for a write, -1 for a read; {@code appliedUpTo} for a read, -1 for a write).
 * {@code json} is the node's answer as it came.
 */
public record TxnOutcome(TxnResult result, long slot, long appliedUpTo, String node, String json) {
    public TxnStatus status() {
        return result.status();
    }

    public boolean ok() {
        return result.status() == TxnStatus.OK;
    }

    /** What the transaction read or wrote at {@code key} (its first get, put or increment of it). */
    public Optional<VersionedValue> value(String key) {
        for (OpResult r : result.results()) {
            if (r instanceof OpResult.Read rd && rd.key().equals(key)) {
                return Optional.ofNullable(rd.found());
            }
            if (r instanceof OpResult.Written w && w.key().equals(key)) {
                return Optional.ofNullable(w.now());
            }
        }
        return Optional.empty();
    }
}
