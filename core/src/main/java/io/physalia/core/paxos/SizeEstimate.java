package io.physalia.core.paxos;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import io.physalia.core.cell.Command;
import io.physalia.core.kv.Condition;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Value;

/**
 * Rough byte sizes, enough for the teacher to choose between a log segment and a snapshot
 * (the paper uses the log when it is much smaller than the state).
 */
final class SizeEstimate {
    private SizeEstimate() {}

    static long of(Batch b) {
        long n = 4;
        for (Command c : b.commands()) {
            n += 16 + c.clientId().length();
            if (c instanceof Command.ClientTxn t) {
                for (Condition cond : t.txn().conditions()) {
                    n += 4 + cond.key().length() + (cond instanceof Condition.ValueEquals v ? of(v.value()) : 8);
                }
                for (Op op : t.txn().ops()) {
                    n += 4 + switch (op) {
                        case Op.Get g -> g.key().length();
                        case Op.Put p -> p.key().length() + of(p.value());
                        case Op.Delete d -> d.key().length();
                        case Op.Increment i -> i.key().length() + i.delta().bitLength() / 8 + 1;
                        case Op.Scan s -> 16;
                    };
                }
            }
        }
        return n;
    }

    static long of(CellSnapshot s) {
        long n = 64;
        for (OpResult.Entry e : s.data()) {
            n += 12 + e.key().length() + of(e.value().value());
        }
        n += 48L * (s.leases().size() + s.sessions().size());
        return n;
    }

    static long of(Value v) {
        return switch (v) {
            case Value.Bytes b -> 4 + b.length();
            case Value.Int i -> 4 + i.value().bitLength() / 8 + 1;
            case Value.Bool b -> 1;
        };
    }
}
