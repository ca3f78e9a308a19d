package io.physalia.simworld.cell;

import io.physalia.core.kv.TxnStatus;
import io.physalia.simworld.linearizability.Model;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sequential specification the simulated cell must be linearizable to: one map of
 * integers with a cell-wide revision that every write bumps.
 */
public final class KvModel implements Model<KvModel.State, ClientOp, OpOutput> {

    /** Immutable: every step copies (histories touch a handful of keys). */
    public record State(long revision, Map<String, Entry> entries) {}

    public record Entry(BigInteger value, long version) {}

    @Override
    public State initial() {
        return new State(0, Map.of());
    }

    @Override
    public Optional<State> step(State s, ClientOp op, OpOutput out) {
        Entry cur = s.entries().get(op.key());
        State next;
        OpOutput expected;
        switch (op) {
            case ClientOp.Get g -> {
                next = s;
                expected = cur == null ? new OpOutput(TxnStatus.OK, null, 0) : new OpOutput(TxnStatus.OK, cur.value(), cur.version());
            }
            case ClientOp.Put p -> {
                next = write(s, p.key(), BigInteger.valueOf(p.value()));
                expected = new OpOutput(TxnStatus.OK, BigInteger.valueOf(p.value()), next.revision());
            }
            case ClientOp.Incr i -> {
                BigInteger v = (cur == null ? BigInteger.ZERO : cur.value()).add(BigInteger.valueOf(i.delta()));
                next = write(s, i.key(), v);
                expected = new OpOutput(TxnStatus.OK, v, next.revision());
            }
            case ClientOp.CasVersion c -> {
                boolean holds = c.expectedVersion() == 0 ? cur == null : cur != null && cur.version() == c.expectedVersion();
                if (holds) {
                    next = write(s, c.key(), BigInteger.valueOf(c.value()));
                    expected = new OpOutput(TxnStatus.OK, BigInteger.valueOf(c.value()), next.revision());
                } else {
                    next = s;
                    expected = new OpOutput(TxnStatus.CONDITION_FAILED, null, 0);
                }
            }
        }
        if (out == null || out.equals(expected)) {
            return Optional.of(next);
        }
        return Optional.empty();
    }

    private static State write(State s, String key, BigInteger v) {
        TreeMap<String, Entry> m = new TreeMap<>(s.entries());
        long rev = s.revision() + 1;
        m.put(key, new Entry(v, rev));
        return new State(rev, Map.copyOf(m));
    }
}
