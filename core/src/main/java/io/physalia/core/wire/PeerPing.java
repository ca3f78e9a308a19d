package io.physalia.core.wire;

import io.physalia.core.cell.NodeId;
import java.util.Objects;

/**
 * A node's liveness ping to a peer (liveness is tracked per node pair, never per cell). It travels
 * as a frame of its own type, under the same HMAC, session and sequence as the consensus frames,
 * so it can be neither forged nor replayed to fake liveness.
 *
 * @param from        the sending node
 * @param httpAddress where the sender's HTTP API listens ({@code host:port}), so receivers can
 *                    redirect clients to it
 */
public record PeerPing(NodeId from, String httpAddress) {
    /** Longer addresses are refused: a host name is at most 253 bytes, plus a port. */
    public static final int MAX_HTTP_ADDRESS_BYTES = 300;

    public PeerPing {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(httpAddress, "httpAddress");
        if (httpAddress.length() > MAX_HTTP_ADDRESS_BYTES) {
            throw new IllegalArgumentException("httpAddress is longer than " + MAX_HTTP_ADDRESS_BYTES + " characters");
        }
    }
}
