package io.physalia.core.cell;

/** The configuration that chooses slots from {@code fromSlot} on (until the next epoch). */
public record ConfigEpoch(long fromSlot, Configuration configuration) {}
