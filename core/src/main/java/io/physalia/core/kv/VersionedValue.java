package io.physalia.core.kv;

/** A stored value and the cell revision at which it was last written. */
public record VersionedValue(Value value, long version) {}
