package io.physalia.core.wire;

/**
 * The receiving end of one stream connection, for {@link WireCodec#decode(byte[], SessionGuard)}:
 * the session id this end handed to the sender when the connection opened, and the highest
 * sequence number accepted on it so far.
 *
 * <p>A frame is accepted only if it names this session and carries a sequence number above every
 * one accepted before. A frame replayed on the same connection therefore fails the sequence
 * check ({@link DecodeResult.Reason#REPLAYED}), and a frame recorded on an earlier connection, or
 * on a connection to another node, fails the session check ({@link DecodeResult.Reason#WRONG_SESSION}):
 * the receiver picks the session, so a sender (or whoever replays its frames) cannot reuse an old
 * one. Both fields sit under the HMAC, so they cannot be edited either. Gaps are allowed: a
 * sender may drop frames (a full write queue) without the receiver taking offence.
 *
 * <p>Not thread-safe: one guard per connection, used on that connection's event loop.
 */
public final class SessionGuard {
    private final long session;
    private long lastSequence;

    /** @param session a random id, not 0 (0 marks frames of transports that do not sequence) */
    public SessionGuard(long session) {
        if (session == 0) {
            throw new IllegalArgumentException("session id 0 is reserved for frames that are not sequenced");
        }
        this.session = session;
    }

    public long session() {
        return session;
    }

    /** The highest sequence number accepted so far; 0 before the first frame (senders start at 1). */
    public long lastSequence() {
        return lastSequence;
    }

    /** Null if a frame with these fields may be accepted, else why not. Does not record anything. */
    DecodeResult.Rejected check(long frameSession, long sequence) {
        if (frameSession != session) {
            return new DecodeResult.Rejected(DecodeResult.Reason.WRONG_SESSION, "frame of session "
                    + Long.toHexString(frameSession) + " on a connection of session " + Long.toHexString(session));
        }
        if (sequence <= lastSequence) {
            return new DecodeResult.Rejected(DecodeResult.Reason.REPLAYED, "sequence " + sequence
                    + " is not above the last accepted " + lastSequence);
        }
        return null;
    }

    /** Records an accepted frame's sequence number. */
    void accepted(long sequence) {
        lastSequence = sequence;
    }

    @Override
    public String toString() {
        return "SessionGuard[session=" + Long.toHexString(session) + ", last=" + lastSequence + "]";
    }
}
