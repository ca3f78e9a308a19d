package io.physalia.crds;

/**
 * The string shapes the resources share, as constants so that the schema annotations and the
 * operator's own checks cannot drift apart.
 */
public final class Patterns {
    private Patterns() {}

    /** A node image version (a container image tag): what `kubectl get` shows and rollouts compare. */
    public static final String VERSION = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$";

    /**
     * A color name. It becomes part of object names ({@code <colony>-<color>}), label values and
     * StatefulSet names, so it is a DNS label, at most 32 characters to leave room for the colony.
     */
    public static final String COLOR = "^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$";

    /** Longest color name {@link #COLOR} allows; also bounds CEL's cost estimate on the colors list. */
    public static final int COLOR_MAX_LENGTH = 32;

    /** A Kubernetes label value (zone, row and rack are node label values). */
    public static final String LABEL_VALUE = "^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

    /** Longest label value. */
    public static final int LABEL_VALUE_MAX_LENGTH = 63;

    /** A node's byte-count setting: digits with an optional k, m or g (KiB, MiB, GiB), as the node parses them. */
    public static final String BYTE_COUNT = "^[0-9]{1,12}[kmgKMG]?$";
}
