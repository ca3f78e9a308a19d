package io.physalia.simworld.disk;

/**
 * A record as read back from a {@link SimDisk}: either intact or corrupt. A corrupt record
 * stands in for one whose checksum fails; the reader must notice and cope (the paper's
 * section 3.3: never act on state you cannot validate).
 */
public sealed interface Stored<R> permits Stored.Ok, Stored.Corrupt {

    record Ok<R>(R record) implements Stored<R> {}

    record Corrupt<R>() implements Stored<R> {}

    default boolean isCorrupt() {
        return this instanceof Corrupt;
    }
}
