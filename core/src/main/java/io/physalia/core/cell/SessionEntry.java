package io.physalia.core.cell;

/** The latest applied command of one client, kept so a retry returns the same result. */
public record SessionEntry(String clientId, long seq, long slot, CommandResult result) {}
