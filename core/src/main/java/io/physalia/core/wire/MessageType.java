package io.physalia.core.wire;

import io.physalia.core.paxos.Message;

/**
 * The frame header's message type byte. Codes are part of the wire format: never renumber one,
 * only add new ones (and a peer that does not know a code rejects the frame).
 */
enum MessageType {
    PREPARE(1),
    PROMISE(2),
    NACK(3),
    ACCEPT(4),
    ACCEPTED(5),
    COMMIT(6),
    TEACH_REQUEST(7),
    TEACH_LOG(8),
    TEACH_SNAPSHOT(9),
    /** Not a consensus message: a node's liveness ping ({@link PeerPing}). */
    PING(10);

    final int code;

    MessageType(int code) {
        this.code = code;
    }

    static MessageType of(Message message) {
        return switch (message) {
            case Message.Prepare m -> PREPARE;
            case Message.Promise m -> PROMISE;
            case Message.Nack m -> NACK;
            case Message.Accept m -> ACCEPT;
            case Message.Accepted m -> ACCEPTED;
            case Message.Commit m -> COMMIT;
            case Message.TeachRequest m -> TEACH_REQUEST;
            case Message.TeachLog m -> TEACH_LOG;
            case Message.TeachSnapshot m -> TEACH_SNAPSHOT;
        };
    }

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    /** The type with this code (0..255), or null if this version does not know it. */
    static MessageType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
