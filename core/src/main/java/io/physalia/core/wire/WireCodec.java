package io.physalia.core.wire;

import io.physalia.core.paxos.Envelope;
import java.util.Objects;

/**
 * Turns envelopes into authenticated frames ({@link FrameLayout}) and back.
 *
 * <p><b>Not thread-safe: use one codec per thread or event loop.</b> It holds {@code Mac}
 * instances, scratch buffers and plain counters.
 *
 * <p>{@link #decode} never throws and never trusts a length it has not checked: for any byte
 * string it returns {@link DecodeResult.Ok} or a {@link DecodeResult.Rejected} with a reason,
 * and the body is parsed only after its MAC has been verified, so unauthenticated bytes never
 * reach the parser. Decoding is canonical: a frame that decodes re-encodes, under the same key
 * id, session and sequence, to exactly the same bytes.
 *
 * <p>Replays: a frame carries a session id and a sequence number under its MAC. A stream
 * transport gives each connection a {@link SessionGuard} (the receiver picks the session id) and
 * decodes with {@link #decode(byte[], SessionGuard)}, which rejects a frame replayed on the same
 * connection ({@code REPLAYED}) or taken from another one ({@code WRONG_SESSION}). Transports
 * that do not sequence (the simulator, whose network replays on purpose) encode with session 0
 * and decode without a guard; Paxos itself stays safe under replays (ballots, slots, client seqs).
 */
public final class WireCodec {
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Enough for the header, the MAC and a small message; smaller limits are a configuration error. */
    public static final int MIN_MAX_FRAME_BYTES = 1024;

    /** Prefix of a MALFORMED detail caused by a decoder bug rather than by the input (the fuzz tests look for it). */
    static final String UNEXPECTED_PREFIX = "unexpected ";

    private final int maxFrameBytes;
    private final RejectCounters rejections = new RejectCounters();
    private FrameAuthenticator authenticator;

    public WireCodec(Keyring keyring) {
        this(keyring, DEFAULT_MAX_FRAME_BYTES);
    }

    public WireCodec(Keyring keyring, int maxFrameBytes) {
        if (maxFrameBytes < MIN_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes " + maxFrameBytes + " is below " + MIN_MAX_FRAME_BYTES);
        }
        this.maxFrameBytes = maxFrameBytes;
        useKeyring(keyring);
    }

    /** Switches keys (a rotation step) between two frames. */
    public void useKeyring(Keyring keyring) {
        this.authenticator = new FrameAuthenticator(Objects.requireNonNull(keyring, "keyring"));
    }

    public Keyring keyring() {
        return authenticator.keyring();
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public RejectCounters rejections() {
        return rejections;
    }

    /**
     * The frame for {@code envelope}, signed with the keyring's signing key, not sequenced
     * (session 0): for transports without a {@link SessionGuard}.
     *
     * @throws IllegalArgumentException if the frame would exceed the maximum frame size, or a
     *     value has no encoding (a string with an unpaired surrogate, an integer over the limit)
     * @throws NullPointerException if a field that is not optional is null
     */
    public byte[] encode(Envelope envelope) {
        return encode(envelope, 0, 0);
    }

    /**
     * The frame for {@code envelope} as frame {@code sequence} of {@code session}, signed with the
     * keyring's signing key. Throws as {@link #encode(Envelope)} does.
     */
    public byte[] encode(Envelope envelope, long session, long sequence) {
        MessageType type = MessageType.of(envelope.message());
        ByteWriter w = header(type, session, sequence);
        PaxosCodec.writeEnvelopeBody(w, envelope);
        return seal(w);
    }

    /** A liveness ping as frame {@code sequence} of {@code session}, signed with the keyring's signing key. */
    public byte[] encodePing(PeerPing ping, long session, long sequence) {
        ByteWriter w = header(MessageType.PING, session, sequence);
        writePingBody(w, ping);
        return seal(w);
    }

    private ByteWriter header(MessageType type, long session, long sequence) {
        ByteWriter w = new ByteWriter(256, maxFrameBytes);
        w.writeByte(FrameLayout.MAGIC_0);
        w.writeByte(FrameLayout.MAGIC_1);
        w.writeByte(FrameLayout.FORMAT_VERSION);
        w.writeByte(type.code);
        w.writeFixedInt(authenticator.signingKeyId());
        w.writeFixedInt((int) (session >>> 32));
        w.writeFixedInt((int) session);
        w.writeFixedInt((int) (sequence >>> 32));
        w.writeFixedInt((int) sequence);
        w.writeFixedInt(0); // body length, patched in seal
        return w;
    }

    private byte[] seal(ByteWriter w) {
        int signedBytes = w.size();
        w.setFixedInt(FrameLayout.BODY_LENGTH_OFFSET, signedBytes - FrameLayout.HEADER_BYTES);
        w.writeZeros(FrameLayout.MAC_BYTES); // room for the MAC, filled in below
        byte[] frame = w.toByteArray();
        authenticator.sign(authenticator.signingKeyId(), frame, signedBytes, frame, signedBytes);
        return frame;
    }

    private static void writePingBody(ByteWriter w, PeerPing ping) {
        CellCodec.writeNode(w, ping.from());
        w.writeString(ping.httpAddress());
    }

    private static PeerPing readPingBody(ByteReader r) {
        return new PeerPing(CellCodec.readNode(r), r.readString());
    }

    /** The length of {@code encode(envelope)}, computed without building the frame. */
    public int frameSize(Envelope envelope) {
        ByteWriter counter = ByteWriter.sizeCounter();
        PaxosCodec.writeEnvelopeBody(counter, envelope);
        return FrameLayout.OVERHEAD_BYTES + counter.size();
    }

    /**
     * Authenticates and parses one whole frame, whatever its session and sequence. Checks, in
     * order: overall size (TOO_LARGE), header present (TRUNCATED), magic, version, type, key id,
     * declared body length against the maximum (TOO_LARGE) and against the bytes given (TRUNCATED
     * or TRAILING_BYTES), the MAC (BAD_HMAC), and finally the body (MALFORMED). Every rejection is
     * counted.
     */
    public DecodeResult decode(byte[] frame) {
        return counted(decodeUncounted(frame, null));
    }

    /**
     * As {@link #decode(byte[])}, and after the MAC also the session and sequence against
     * {@code guard} (WRONG_SESSION, REPLAYED); an accepted frame advances the guard.
     */
    public DecodeResult decode(byte[] frame, SessionGuard guard) {
        return counted(decodeUncounted(frame, Objects.requireNonNull(guard, "guard")));
    }

    private DecodeResult counted(DecodeResult result) {
        if (result instanceof DecodeResult.Rejected rejected) {
            rejections.record(rejected.reason());
        }
        return result;
    }

    private DecodeResult decodeUncounted(byte[] frame, SessionGuard guard) {
        if (frame == null) {
            return reject(DecodeResult.Reason.TRUNCATED, "no frame");
        }
        if (frame.length > maxFrameBytes) {
            return reject(DecodeResult.Reason.TOO_LARGE, frame.length + " bytes exceed the maximum of " + maxFrameBytes);
        }
        if (frame.length < FrameLayout.HEADER_BYTES) {
            return reject(DecodeResult.Reason.TRUNCATED, frame.length + " bytes are shorter than a frame header");
        }
        if (frame[0] != FrameLayout.MAGIC_0 || frame[1] != FrameLayout.MAGIC_1) {
            return reject(DecodeResult.Reason.BAD_MAGIC, String.format("magic 0x%02x%02x", frame[0], frame[1]));
        }
        int version = frame[2] & 0xFF;
        if (version != FrameLayout.FORMAT_VERSION) {
            return reject(DecodeResult.Reason.UNKNOWN_VERSION, "format version " + version);
        }
        MessageType type = MessageType.fromCode(frame[FrameLayout.TYPE_OFFSET] & 0xFF);
        if (type == null) {
            return reject(DecodeResult.Reason.UNKNOWN_TYPE, "message type " + (frame[FrameLayout.TYPE_OFFSET] & 0xFF));
        }
        int keyId = FrameLayout.readInt(frame, FrameLayout.KEY_ID_OFFSET);
        if (!authenticator.knows(keyId)) {
            return reject(DecodeResult.Reason.UNKNOWN_KEY, "key id " + keyId);
        }
        long declared = FrameLayout.frameBytes(frame, 0);
        if (declared > maxFrameBytes) {
            return reject(DecodeResult.Reason.TOO_LARGE, "header declares " + declared + " bytes, over the maximum of " + maxFrameBytes);
        }
        if (frame.length < declared) {
            return reject(DecodeResult.Reason.TRUNCATED, frame.length + " bytes of a " + declared + "-byte frame");
        }
        if (frame.length > declared) {
            return reject(DecodeResult.Reason.TRAILING_BYTES, (frame.length - declared) + " bytes after a " + declared + "-byte frame");
        }
        int macOffset = (int) declared - FrameLayout.MAC_BYTES;
        if (!authenticator.verify(keyId, frame, macOffset)) {
            return reject(DecodeResult.Reason.BAD_HMAC, "MAC mismatch under key id " + keyId);
        }
        long sequence = FrameLayout.sequence(frame, 0);
        if (guard != null) {
            DecodeResult.Rejected refused = guard.check(FrameLayout.session(frame, 0), sequence);
            if (refused != null) {
                return refused;
            }
        }
        DecodeResult result = parseBody(frame, type, macOffset);
        if (guard != null && !(result instanceof DecodeResult.Rejected)) {
            guard.accepted(sequence);
        }
        return result;
    }

    private static DecodeResult parseBody(byte[] frame, MessageType type, int macOffset) {
        try {
            ByteReader r = new ByteReader(frame, FrameLayout.HEADER_BYTES, macOffset - FrameLayout.HEADER_BYTES);
            if (type == MessageType.PING) {
                PeerPing ping = readPingBody(r);
                r.expectEnd();
                return new DecodeResult.Ping(ping);
            }
            Envelope envelope = PaxosCodec.readEnvelopeBody(r, type);
            r.expectEnd();
            return new DecodeResult.Ok(envelope);
        } catch (WireFormatException e) {
            return reject(DecodeResult.Reason.MALFORMED, type + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // A record's constructor refused the decoded fields (e.g. an empty configuration).
            return reject(DecodeResult.Reason.MALFORMED, type + ": invalid value: " + e.getMessage());
        } catch (RuntimeException e) {
            // A bug in this decoder; the sender is authentic, so dropping the frame is still right.
            return reject(DecodeResult.Reason.MALFORMED, UNEXPECTED_PREFIX + e);
        }
    }

    private static DecodeResult.Rejected reject(DecodeResult.Reason reason, String detail) {
        return new DecodeResult.Rejected(reason, detail);
    }
}
