package io.physalia.core.kv;

import java.util.List;

/** The result of one op, in the same position as the op in its transaction. */
public sealed interface OpResult permits OpResult.Read, OpResult.Written, OpResult.Deleted, OpResult.ScanPage {

    /** {@code found} is null when the key is absent. */
    record Read(String key, VersionedValue found) implements OpResult {}

    /** A put or increment: the new value and its version. */
    record Written(String key, VersionedValue now) implements OpResult {}

    /** {@code existed} says whether there was something to delete. */
    record Deleted(String key, boolean existed) implements OpResult {}

    /** {@code nextPageToken} is null on the last page. */
    record ScanPage(List<Entry> entries, String nextPageToken) implements OpResult {
        public ScanPage {
            entries = List.copyOf(entries);
        }
    }

    record Entry(String key, VersionedValue value) {}
}
