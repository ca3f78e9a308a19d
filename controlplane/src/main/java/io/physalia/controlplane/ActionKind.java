package io.physalia.controlplane;

/** What a control-plane action does to a cell. */
public enum ActionKind {
    /** Replace a failed member with a healthy node that keeps the rules. */
    REPAIR,
    /** Replace the member farthest from the clients with a node in a nearer row. */
    MOVE_CLOSER
}
