package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.wire.RecordCodec;
import io.physalia.core.wire.RecordResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads node log segments in order, handing each intact record to a {@link Sink}. The rule: damage followed by any intact entry is damage in
 * the middle of the durable log (those cells are refused: we cannot know what they promised);
 * damage after the last intact entry of the last segment is a torn tail from a crash during an
 * unacknowledged write, and is cut off. A segment is only sealed after its last batch was
 * synced, so damage at the end of any other segment is damage, not a torn write; and when
 * {@code tornTailAllowed} is false (a checkpoint reading sealed segments) every damage is.
 */
final class LogRecovery {
    /** Where the intact records go, in log order. */
    interface Sink {
        /** Whatever came before for {@code cell} is dead: an Identity record (which follows) or a drop. */
        void reset(String cell);

        void add(String cell, DurableRecord record);
    }

    /** Keeps every cell's records from its latest Identity on. */
    static final class Collect implements Sink {
        final Map<String, List<DurableRecord>> cells = new LinkedHashMap<>();

        @Override
        public void reset(String cell) {
            cells.remove(cell);
        }

        @Override
        public void add(String cell, DurableRecord record) {
            cells.computeIfAbsent(cell, c -> new ArrayList<>()).add(record);
        }
    }

    private final RecordCodec codec;
    private final Sink sink;
    private final Set<String> reset = new TreeSet<>();
    private final TreeSet<String> damagedCells = new TreeSet<>();
    private boolean unknownDamage;
    // Damage seen since the last intact entry; it becomes "middle" damage once an intact entry follows.
    private final TreeSet<String> pendingCells = new TreeSet<>();
    private boolean pendingUnknown;
    private boolean pending;
    private long entries;
    private long lastValidEnd;
    private long lastLength;

    LogRecovery(RecordCodec codec, Sink sink) {
        this.codec = codec;
        this.sink = sink;
    }

    /** Reads segments keeping every cell's records (from its latest Identity on) in the result. */
    static LogRecovery collecting(RecordCodec codec) {
        return new LogRecovery(codec, new Collect());
    }

    /** The result of reading one whole log held in {@code log} (one segment, torn tail allowed). */
    static LogScan scan(byte[] log, RecordCodec codec) {
        LogRecovery r = collecting(codec);
        r.add(log);
        return r.finish(true);
    }

    /** Reads the next segment. */
    void add(byte[] log) {
        commitPending(); // the previous segment was sealed: its damaged end was no torn write
        lastValidEnd = 0;
        lastLength = log.length;
        int pos = 0;
        while (pos < log.length) {
            LogEntry.Header h = LogEntry.readHeader(log, pos, log.length, codec.maxRecordBytes());
            if (h == null) {
                int next = resync(log, pos + 1);
                pending = true;
                pendingUnknown = true; // whose entry this was cannot be told
                if (next < 0) {
                    break; // nothing intact after this point in this segment
                }
                pos = next;
                continue;
            }
            if (h.isDrop()) {
                intactEntry();
                reset(h.cell());
                pos = h.end();
                lastValidEnd = pos;
                continue;
            }
            RecordResult rr = h.end() <= log.length
                    ? codec.decode(log, h.recordOffset(), h.recordBytes())
                    : new RecordResult.Truncated("record runs past the end of the segment");
            if (rr instanceof RecordResult.Ok ok && ok.frameBytes() == h.recordBytes()) {
                intactEntry();
                if (ok.record() instanceof DurableRecord.Identity) {
                    reset(h.cell()); // re-hosted as a new member: the old incarnation's records are dead
                }
                sink.add(h.cell(), ok.record());
                pos = h.end();
                lastValidEnd = pos;
            } else {
                pending = true;
                pendingCells.add(h.cell());
                if (h.end() > log.length) {
                    break;
                }
                pos = h.end();
            }
        }
    }

    /**
     * Everything logged for {@code cell} so far is dead (a drop, or the Identity of a new member):
     * damage among those records no longer refuses the cell, for the records after this point are
     * all the new member's. Damage whose cell cannot be told still refuses every cell.
     */
    private void reset(String cell) {
        sink.reset(cell);
        reset.add(cell);
        damagedCells.remove(cell);
    }

    private void intactEntry() {
        commitPending();
        entries++;
    }

    private void commitPending() {
        damagedCells.addAll(pendingCells);
        unknownDamage |= pendingUnknown;
        pendingCells.clear();
        pendingUnknown = false;
        pending = false;
    }

    /**
     * What was read. With {@code tornTailAllowed}, damage after the last intact entry of the last
     * segment is a torn tail to cut at {@link LogScan#validBytes()}; otherwise it is damage.
     */
    LogScan finish(boolean tornTailAllowed) {
        long truncated = 0;
        if (pending && tornTailAllowed) {
            truncated = lastLength - lastValidEnd;
            pendingCells.clear();
            pendingUnknown = false;
            pending = false;
        } else {
            commitPending();
        }
        Map<String, List<DurableRecord>> intact = new LinkedHashMap<>();
        if (sink instanceof Collect c) {
            intact = c.cells;
            damagedCells.forEach(intact::remove);
        }
        return new LogScan(intact, Set.copyOf(reset), Set.copyOf(damagedCells), unknownDamage,
                truncated > 0 ? lastValidEnd : lastLength, truncated, entries);
    }

    /** The next position after {@code from} holding an intact entry, or -1. Only runs on damage. */
    private int resync(byte[] log, int from) {
        for (int q = from; q < log.length; q++) {
            LogEntry.Header h = LogEntry.readHeader(log, q, log.length, codec.maxRecordBytes());
            if (h != null && h.end() <= log.length && (h.isDrop()
                    || codec.decode(log, h.recordOffset(), h.recordBytes()) instanceof RecordResult.Ok)) {
                return q;
            }
        }
        return -1;
    }
}
