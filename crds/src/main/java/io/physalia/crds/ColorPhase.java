package io.physalia.crds;

/** Color.status.phase. */
public enum ColorPhase {
    /** Every node runs the target version. */
    Stable,
    /** Nodes are being restarted on a new version, one at a time. */
    RollingOut,
    /** The rollout stopped by itself (validation failed) and waits for a human. */
    Halted
}
