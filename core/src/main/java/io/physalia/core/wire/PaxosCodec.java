package io.physalia.core.wire;

import io.physalia.core.cell.Batch;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding of the consensus types: ballots, message bodies, envelopes and durable records. A
 * message's type travels outside its body (in the frame header), so bodies carry no tag.
 */
final class PaxosCodec {
    private static final int RECORD_IDENTITY = 1;
    private static final int RECORD_PROMISED = 2;
    private static final int RECORD_ACCEPTED_VALUE = 3;
    private static final int RECORD_CHOSEN = 4;
    private static final int RECORD_SNAPSHOT = 5;

    private PaxosCodec() {}

    static void writeBallot(ByteWriter w, Ballot b) {
        w.writeSignedLong(b.round());
        CellCodec.writeMember(w, b.proposer());
    }

    static Ballot readBallot(ByteReader r) {
        return new Ballot(r.readSignedLong(), CellCodec.readMember(r));
    }

    /** The envelope's addressing and the message's fields; the type goes in the frame header. */
    static void writeEnvelopeBody(ByteWriter w, Envelope e) {
        w.writeString(e.cell());
        CellCodec.writeMember(w, e.from());
        CellCodec.writeMember(w, e.to());
        writeMessageBody(w, e.message());
    }

    static Envelope readEnvelopeBody(ByteReader r, MessageType type) {
        return new Envelope(r.readString(), CellCodec.readMember(r), CellCodec.readMember(r),
                readMessageBody(r, type));
    }

    static void writeMessageBody(ByteWriter w, Message message) {
        switch (message) {
            case Message.Prepare m -> {
                writeBallot(w, m.ballot());
                w.writeSignedLong(m.fromSlot());
            }
            case Message.Promise m -> {
                writeBallot(w, m.ballot());
                w.writeSignedLong(m.fromSlot());
                w.writeLength(m.accepted().size());
                for (Message.AcceptedEntry e : m.accepted()) {
                    w.writeSignedLong(e.slot());
                    writeBallot(w, e.ballot());
                    CellCodec.writeBatch(w, e.value());
                }
            }
            case Message.Nack m -> {
                writeBallot(w, m.refused());
                writeBallot(w, m.promised());
                w.writeSignedLong(m.leaseMillisLeft());
            }
            case Message.Accept m -> {
                writeBallot(w, m.ballot());
                w.writeSignedLong(m.slot());
                CellCodec.writeBatch(w, m.value());
                w.writeSignedLong(m.leaseMillis());
            }
            case Message.Accepted m -> {
                writeBallot(w, m.ballot());
                w.writeSignedLong(m.slot());
            }
            case Message.Commit m -> writeBallot(w, m.ballot());
            case Message.TeachRequest m -> {
                // Only chosenUpTo, written below.
            }
            case Message.TeachLog m -> {
                w.writeSignedLong(m.firstSlot());
                w.writeLength(m.values().size());
                for (Batch b : m.values()) {
                    CellCodec.writeBatch(w, b);
                }
            }
            case Message.TeachSnapshot m -> CellCodec.writeSnapshot(w, m.snapshot());
        }
        // Every message carries chosenUpTo; writing it last keeps each body's fields in record order.
        w.writeSignedLong(message.chosenUpTo());
    }

    static Message readMessageBody(ByteReader r, MessageType type) {
        return switch (type) {
            case PREPARE -> new Message.Prepare(readBallot(r), r.readSignedLong(), r.readSignedLong());
            case PROMISE -> {
                Ballot ballot = readBallot(r);
                long fromSlot = r.readSignedLong();
                int count = r.readCount();
                List<Message.AcceptedEntry> accepted = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    accepted.add(new Message.AcceptedEntry(r.readSignedLong(), readBallot(r), CellCodec.readBatch(r)));
                }
                yield new Message.Promise(ballot, fromSlot, accepted, r.readSignedLong());
            }
            case NACK -> new Message.Nack(readBallot(r), readBallot(r), r.readSignedLong(), r.readSignedLong());
            case ACCEPT -> new Message.Accept(readBallot(r), r.readSignedLong(), CellCodec.readBatch(r),
                    r.readSignedLong(), r.readSignedLong());
            case ACCEPTED -> new Message.Accepted(readBallot(r), r.readSignedLong(), r.readSignedLong());
            case COMMIT -> new Message.Commit(readBallot(r), r.readSignedLong());
            case TEACH_REQUEST -> new Message.TeachRequest(r.readSignedLong());
            case TEACH_LOG -> {
                long firstSlot = r.readSignedLong();
                int count = r.readCount();
                List<Batch> values = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    values.add(CellCodec.readBatch(r));
                }
                yield new Message.TeachLog(firstSlot, values, r.readSignedLong());
            }
            case TEACH_SNAPSHOT -> new Message.TeachSnapshot(CellCodec.readSnapshot(r), r.readSignedLong());
            case PING -> throw new IllegalStateException("a ping is not a consensus message"); // WireCodec parses pings
        };
    }

    static void writeRecord(ByteWriter w, DurableRecord record) {
        switch (record) {
            case DurableRecord.Identity i -> {
                w.writeByte(RECORD_IDENTITY);
                w.writeString(i.cell());
                CellCodec.writeMember(w, i.self());
                CellCodec.writeConfiguration(w, i.initial());
            }
            case DurableRecord.Promised p -> {
                w.writeByte(RECORD_PROMISED);
                writeBallot(w, p.ballot());
            }
            case DurableRecord.AcceptedValue a -> {
                w.writeByte(RECORD_ACCEPTED_VALUE);
                w.writeSignedLong(a.slot());
                writeBallot(w, a.ballot());
                CellCodec.writeBatch(w, a.value());
            }
            case DurableRecord.Chosen c -> {
                w.writeByte(RECORD_CHOSEN);
                w.writeSignedLong(c.slot());
                CellCodec.writeBatch(w, c.value());
            }
            case DurableRecord.Snapshot s -> {
                w.writeByte(RECORD_SNAPSHOT);
                CellCodec.writeSnapshot(w, s.snapshot());
            }
        }
    }

    static DurableRecord readRecord(ByteReader r) {
        int tag = r.readByte();
        return switch (tag) {
            case RECORD_IDENTITY -> new DurableRecord.Identity(r.readString(), CellCodec.readMember(r),
                    CellCodec.readConfiguration(r));
            case RECORD_PROMISED -> new DurableRecord.Promised(readBallot(r));
            case RECORD_ACCEPTED_VALUE -> new DurableRecord.AcceptedValue(r.readSignedLong(), readBallot(r),
                    CellCodec.readBatch(r));
            case RECORD_CHOSEN -> new DurableRecord.Chosen(r.readSignedLong(), CellCodec.readBatch(r));
            case RECORD_SNAPSHOT -> new DurableRecord.Snapshot(CellCodec.readSnapshot(r));
            default -> throw new WireFormatException("unknown record tag " + tag);
        };
    }
}
