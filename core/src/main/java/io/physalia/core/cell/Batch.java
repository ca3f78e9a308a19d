package io.physalia.core.cell;

import java.util.List;

/**
 * The value chosen for one log slot: commands applied in order, each independently (one that
 * fails its condition does not stop the others). The empty batch is the no-op.
 */
public record Batch(List<Command> commands) {
    public static final Batch NOOP = new Batch(List.of());

    public Batch {
        commands = List.copyOf(commands);
    }

    public boolean isNoop() {
        return commands.isEmpty();
    }
}
