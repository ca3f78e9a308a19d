package io.physalia.core.kv;

import java.util.List;

/**
 * A strictly serializable transaction within one cell: all conditions hold, then all ops apply,
 * atomically; otherwise no write applies.
 */
public record Transaction(List<Condition> conditions, List<Op> ops) {
    public Transaction {
        conditions = List.copyOf(conditions);
        ops = List.copyOf(ops);
    }

    public boolean isReadOnly() {
        return ops.stream().noneMatch(Op::isWrite);
    }
}
