package io.physalia.simworld.cell;

import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.TxnResult;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.kv.Value;
import java.math.BigInteger;

/**
 * What a client saw: status, the value read or written (null if absent) and its version. The
 * model predicts all three, versions included, so a reordered or doubled write shows up.
 */
public record OpOutput(TxnStatus status, BigInteger value, long version) {

    static OpOutput from(TxnResult r) {
        if (r.status() != TxnStatus.OK || r.results().isEmpty()) {
            return new OpOutput(r.status(), null, 0);
        }
        return switch (r.results().get(0)) {
            case OpResult.Read read -> read.found() == null ? new OpOutput(TxnStatus.OK, null, 0)
                    : new OpOutput(TxnStatus.OK, asInt(read.found().value()), read.found().version());
            case OpResult.Written w -> new OpOutput(TxnStatus.OK, asInt(w.now().value()), w.now().version());
            default -> new OpOutput(r.status(), null, 0);
        };
    }

    private static BigInteger asInt(Value v) {
        return v instanceof Value.Int i ? i.value() : BigInteger.valueOf(-1);
    }
}
