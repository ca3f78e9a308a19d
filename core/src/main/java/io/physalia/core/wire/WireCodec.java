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
 * id, to exactly the same bytes.
 *
 * <p>Frames carry no nonce or timestamp, so a captured frame replays: it decodes again to the
 * identical envelope. Protection against replay is the protocol's job (the paper's system model,
 * section 2.6, lets messages be replayed): Paxos messages are idempotent under ballots and slots,
 * and a receiver must check that the envelope's {@code to} and {@code cell} are its own.
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
     * The frame for {@code envelope}, signed with the keyring's signing key.
     *
     * @throws IllegalArgumentException if the frame would exceed the maximum frame size, or a
     *     value has no encoding (a string with an unpaired surrogate, an integer over the limit)
     * @throws NullPointerException if a field that is not optional is null
     */
    public byte[] encode(Envelope envelope) {
        MessageType type = MessageType.of(envelope.message());
        int keyId = authenticator.signingKeyId();
        ByteWriter w = new ByteWriter(256, maxFrameBytes);
        w.writeByte(FrameLayout.MAGIC_0);
        w.writeByte(FrameLayout.MAGIC_1);
        w.writeByte(FrameLayout.FORMAT_VERSION);
        w.writeByte(type.code);
        w.writeFixedInt(keyId);
        w.writeFixedInt(0); // body length, patched below
        PaxosCodec.writeEnvelopeBody(w, envelope);
        int signedBytes = w.size();
        w.setFixedInt(FrameLayout.BODY_LENGTH_OFFSET, signedBytes - FrameLayout.HEADER_BYTES);
        w.writeZeros(FrameLayout.MAC_BYTES); // room for the MAC, filled in below
        byte[] frame = w.toByteArray();
        authenticator.sign(keyId, frame, signedBytes, frame, signedBytes);
        return frame;
    }

    /** The length of {@code encode(envelope)}, computed without building the frame. */
    public int frameSize(Envelope envelope) {
        ByteWriter counter = ByteWriter.sizeCounter();
        PaxosCodec.writeEnvelopeBody(counter, envelope);
        return FrameLayout.OVERHEAD_BYTES + counter.size();
    }

    /**
     * Authenticates and parses one whole frame. Checks, in order: overall size (TOO_LARGE),
     * header present (TRUNCATED), magic, version, type, key id, declared body length against the
     * maximum (TOO_LARGE) and against the bytes given (TRUNCATED or TRAILING_BYTES), the MAC
     * (BAD_HMAC), and finally the body (MALFORMED). Every rejection is counted.
     */
    public DecodeResult decode(byte[] frame) {
        DecodeResult result = decodeUncounted(frame);
        if (result instanceof DecodeResult.Rejected rejected) {
            rejections.record(rejected.reason());
        }
        return result;
    }

    private DecodeResult decodeUncounted(byte[] frame) {
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
        return parseBody(frame, type, macOffset);
    }

    private static DecodeResult parseBody(byte[] frame, MessageType type, int macOffset) {
        try {
            ByteReader r = new ByteReader(frame, FrameLayout.HEADER_BYTES, macOffset - FrameLayout.HEADER_BYTES);
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
