package io.physalia.core.kv;

/** A precondition on one key, evaluated when the transaction is applied (optimistic). */
public sealed interface Condition
        permits Condition.Exists, Condition.Absent, Condition.ValueEquals, Condition.VersionEquals {

    String key();

    record Exists(String key) implements Condition {}

    record Absent(String key) implements Condition {}

    /** The key exists and holds exactly this value (same type, same content). */
    record ValueEquals(String key, Value value) implements Condition {}

    /** The key exists and was last written at this cell revision. */
    record VersionEquals(String key, long version) implements Condition {}
}
