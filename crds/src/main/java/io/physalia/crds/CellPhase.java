package io.physalia.crds;

/** Cell.status.phase. */
public enum CellPhase {
    /** Not placed yet (no color with room, or waiting for a rate-limit token). */
    Pending,
    /** Nodes chosen; the cell's members are starting or catching up. */
    Placed,
    /** Every member caught up and a leader elected. */
    Ready,
    /** A quorum is up but some members are missing or behind. */
    Degraded,
    /** No quorum: the cell cannot serve. */
    Unavailable
}
