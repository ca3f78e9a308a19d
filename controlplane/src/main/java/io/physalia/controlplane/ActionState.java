package io.physalia.controlplane;

/** Where an action is in its life. */
public enum ActionState {
    /** Issued; the cell takes no further action until this one is reported. */
    IN_FLIGHT,
    /** The new member caught up and the old one is gone. */
    CAUGHT_UP,
    /** The membership change did not happen; the engine's model was put back. */
    ABORTED
}
