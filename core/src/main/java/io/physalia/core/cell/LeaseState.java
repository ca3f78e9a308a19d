package io.physalia.core.cell;

/**
 * A held lease in the state machine. {@code token} grows with every grant (a fencing token);
 * {@code version} grows with every grant and renewal, so a takeover attested against an old
 * version fails after a renewal.
 */
public record LeaseState(String name, String holder, long token, long version, long durationMillis) {}
