package io.physalia.core.kv;

import java.util.List;

/**
 * What applying a transaction produced. {@code detail} names the failing condition, op or limit
 * (empty on OK). {@code revision} is the cell revision after the transaction (unchanged unless it
 * wrote). {@code results} holds one entry per op on OK; on CONDITION_FAILED it holds the reads
 * only (so a compound read-and-conditional-write still returns what it read).
 */
public record TxnResult(TxnStatus status, String detail, long revision, List<OpResult> results) {
    public TxnResult {
        results = List.copyOf(results);
    }
}
