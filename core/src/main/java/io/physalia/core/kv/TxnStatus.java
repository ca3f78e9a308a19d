package io.physalia.core.kv;

/** The outcome of applying a transaction. Every state and input maps to exactly one of these. */
public enum TxnStatus {
    /** All conditions held; all ops applied. */
    OK,
    /** A condition did not hold; nothing was written (reads are still returned). */
    CONDITION_FAILED,
    /** An op met a value of the wrong type (e.g. increment of bytes); nothing was written. */
    TYPE_MISMATCH,
    /** Applying would break a limit (keys per cell, integer bits, ...); nothing was written. */
    LIMIT_EXCEEDED,
    /** The transaction is malformed (it should have been rejected by validation); nothing was written. */
    INVALID
}
