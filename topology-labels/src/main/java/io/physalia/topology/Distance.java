package io.physalia.topology;

/**
 * Logical distance between a node and a client location, through the network and power
 * topology (paper section 2.1). Ordered from nearest to farthest; {@link #rank()} is the
 * number used when distances are added up.
 */
public enum Distance {
    SAME_RACK,
    SAME_ROW,
    SAME_ZONE,
    OTHER_ZONE;

    public int rank() {
        return ordinal();
    }
}
