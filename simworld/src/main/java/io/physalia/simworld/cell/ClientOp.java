package io.physalia.simworld.cell;

import io.physalia.core.kv.Condition;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import java.math.BigInteger;
import java.util.List;

/** The operations simulated clients perform; each maps to one cell transaction. */
public sealed interface ClientOp permits ClientOp.Put, ClientOp.Get, ClientOp.Incr, ClientOp.CasVersion {

    String key();

    Transaction toTransaction();

    default boolean isRead() {
        return this instanceof Get;
    }

    record Put(String key, long value) implements ClientOp {
        public Transaction toTransaction() {
            return new Transaction(List.of(), List.of(new Op.Put(key, Value.ofInt(value))));
        }
    }

    record Get(String key) implements ClientOp {
        public Transaction toTransaction() {
            return new Transaction(List.of(), List.of(new Op.Get(key)));
        }
    }

    record Incr(String key, long delta) implements ClientOp {
        public Transaction toTransaction() {
            return new Transaction(List.of(), List.of(new Op.Increment(key, BigInteger.valueOf(delta))));
        }
    }

    /** Writes {@code value} if the key's version is {@code expectedVersion} (0: the key is absent). */
    record CasVersion(String key, long expectedVersion, long value) implements ClientOp {
        public Transaction toTransaction() {
            Condition c = expectedVersion == 0 ? new Condition.Absent(key)
                    : new Condition.VersionEquals(key, expectedVersion);
            return new Transaction(List.of(c), List.of(new Op.Put(key, Value.ofInt(value))));
        }
    }
}
