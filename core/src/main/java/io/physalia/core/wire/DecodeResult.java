package io.physalia.core.wire;

import io.physalia.core.paxos.Envelope;
import java.util.Objects;

/** What {@link WireCodec#decode} made of a frame: an authenticated envelope or ping, or why it was dropped. */
public sealed interface DecodeResult permits DecodeResult.Ok, DecodeResult.Ping, DecodeResult.Rejected {

    record Ok(Envelope envelope) implements DecodeResult {
        public Ok {
            Objects.requireNonNull(envelope, "envelope");
        }
    }

    record Ping(PeerPing ping) implements DecodeResult {
        public Ping {
            Objects.requireNonNull(ping, "ping");
        }
    }

    /** {@code detail} is for logs; it never contains key material. */
    record Rejected(Reason reason, String detail) implements DecodeResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Why a frame was dropped; {@link WireCodec#decode} documents the order of the checks. */
    enum Reason {
        /** Longer than the maximum frame size, or its header declares a body that would be. */
        TOO_LARGE,
        /** Shorter than a header, or than the length its header declares. */
        TRUNCATED,
        /** Not a Physalia frame at all (wrong protocol or a desynchronised stream). */
        BAD_MAGIC,
        /** A format version this node does not speak, e.g. during a rollout. */
        UNKNOWN_VERSION,
        /** A message type this node does not know. */
        UNKNOWN_TYPE,
        /** Signed with a key id this node does not hold (rotation out of step, or a foreign colony). */
        UNKNOWN_KEY,
        /** Longer than its header declares: more bytes follow the MAC. */
        TRAILING_BYTES,
        /** The MAC does not match: corrupted or forged. */
        BAD_HMAC,
        /** Authentic, but the body does not decode (unknown tag, bad encoding, leftover bytes, invalid record). */
        MALFORMED,
        /** Authentic, but its sequence number is not above the last one accepted on the connection: a replay. */
        REPLAYED,
        /** Authentic, but signed for another session: replayed from an earlier connection or meant for another node. */
        WRONG_SESSION
    }
}
