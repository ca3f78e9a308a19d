package io.physalia.core.cell;

import io.physalia.core.kv.OpResult;
import java.util.List;

/**
 * The whole state of a cell after applying every slot below {@code appliedUpTo}: data, leases,
 * client sessions and the configurations still relevant ({@code epochs}, oldest first, the
 * first one in force at {@code appliedUpTo}). {@code lastLeaseToken} is the highest fencing token
 * ever granted, so tokens keep growing after the lease that carried it was released. Used for bulk
 * teaching and log compaction.
 */
public record CellSnapshot(String cell, long appliedUpTo, long revision, List<OpResult.Entry> data,
                           List<LeaseState> leases, long lastLeaseToken, List<SessionEntry> sessions,
                           List<ConfigEpoch> epochs) {
    public CellSnapshot {
        data = List.copyOf(data);
        leases = List.copyOf(leases);
        sessions = List.copyOf(sessions);
        epochs = List.copyOf(epochs);
    }
}
