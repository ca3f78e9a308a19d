package io.physalia.node.storage;

import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.wire.RecordCodec;
import io.physalia.core.wire.RecordResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a node log. The rule: damage followed by any intact entry is damage in the middle of the
 * durable log (those cells are refused: we cannot know what they promised); damage after the
 * last intact entry is a torn tail from a crash during an unacknowledged write, and is cut off.
 */
final class LogRecovery {
    private LogRecovery() {}

    static Recovered scan(byte[] log, RecordCodec codec) {
        Map<String, List<DurableRecord>> cells = new LinkedHashMap<>();
        TreeSet<String> damagedCells = new TreeSet<>();
        boolean unknownDamage = false;
        // Damage seen since the last intact entry; it becomes "middle" damage once an intact entry follows.
        TreeSet<String> pendingCells = new TreeSet<>();
        boolean pendingUnknown = false;
        long pendingFrom = -1;
        long validEnd = 0;
        long entries = 0;
        int pos = 0;
        while (pos < log.length) {
            LogEntry.Header h = LogEntry.readHeader(log, pos, log.length, codec.maxRecordBytes());
            if (h == null) {
                if (pendingFrom < 0) {
                    pendingFrom = pos;
                }
                int next = resync(log, pos + 1, codec);
                if (next < 0) {
                    break; // nothing intact after this point: a torn tail
                }
                pendingUnknown = true;
                pos = next;
                continue;
            }
            RecordResult rr = h.end() <= log.length
                    ? codec.decode(log, h.recordOffset(), h.recordBytes())
                    : new RecordResult.Truncated("record runs past the end of the log");
            if (rr instanceof RecordResult.Ok ok && ok.frameBytes() == h.recordBytes()) {
                damagedCells.addAll(pendingCells);
                unknownDamage |= pendingUnknown;
                pendingCells.clear();
                pendingUnknown = false;
                pendingFrom = -1;
                if (ok.record() instanceof DurableRecord.Identity) {
                    cells.remove(h.cell()); // re-hosted as a new member: the old incarnation's records are dead
                }
                cells.computeIfAbsent(h.cell(), c -> new ArrayList<>()).add(ok.record());
                entries++;
                pos = h.end();
                validEnd = pos;
            } else {
                if (pendingFrom < 0) {
                    pendingFrom = pos;
                }
                pendingCells.add(h.cell());
                if (h.end() > log.length) {
                    break;
                }
                pos = h.end();
            }
        }
        for (String c : damagedCells) {
            cells.remove(c);
        }
        return new Recovered(cells, damagedCells, unknownDamage, validEnd, log.length - validEnd, entries);
    }

    /** The next position after {@code from} holding an intact entry, or -1. Only runs on damage. */
    private static int resync(byte[] log, int from, RecordCodec codec) {
        for (int q = from; q < log.length; q++) {
            LogEntry.Header h = LogEntry.readHeader(log, q, log.length, codec.maxRecordBytes());
            if (h != null && h.end() <= log.length
                    && codec.decode(log, h.recordOffset(), h.recordBytes()) instanceof RecordResult.Ok) {
                return q;
            }
        }
        return -1;
    }
}
