package io.physalia.core.wire;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.ConfigEpoch;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.LeaseState;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.cell.SessionEntry;
import io.physalia.core.kv.OpResult;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding of the cell's state-machine types: members, configurations, commands, batches, command
 * results and snapshots. Tags are explicit and unknown tags fail, as in {@link KvCodec}.
 */
final class CellCodec {
    private static final int CMD_CLIENT_TXN = 1;
    private static final int CMD_LEASE_ACQUIRE = 2;
    private static final int CMD_LEASE_RENEW = 3;
    private static final int CMD_LEASE_RELEASE = 4;
    private static final int CMD_ADD_MEMBER = 5;
    private static final int CMD_REMOVE_MEMBER = 6;

    private static final int RESULT_TXN = 1;
    private static final int RESULT_LEASE = 2;
    private static final int RESULT_MEMBERSHIP = 3;
    private static final int RESULT_STALE = 4;

    private CellCodec() {}

    static void writeNode(ByteWriter w, NodeId node) {
        w.writeString(node.name());
    }

    static NodeId readNode(ByteReader r) {
        return new NodeId(r.readString());
    }

    static void writeMember(ByteWriter w, Member m) {
        writeNode(w, m.node());
        w.writeSignedLong(m.incarnation());
    }

    static Member readMember(ByteReader r) {
        return new Member(readNode(r), r.readSignedLong());
    }

    static void writeConfiguration(ByteWriter w, Configuration c) {
        w.writeLength(c.members().size());
        for (Member m : c.members()) {
            writeMember(w, m);
        }
    }

    /**
     * Members must arrive in the order {@link Configuration} keeps them (ascending, no
     * duplicates); the constructor would silently sort any other order, and the decoded value
     * would then re-encode to different bytes.
     */
    static Configuration readConfiguration(ByteReader r) {
        int count = r.readCount();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Member m = readMember(r);
            if (!members.isEmpty() && members.getLast().compareTo(m) >= 0) {
                throw new WireFormatException("configuration members are not in strictly ascending order");
            }
            members.add(m);
        }
        return new Configuration(members);
    }

    static void writeCommand(ByteWriter w, Command command) {
        switch (command) {
            case Command.ClientTxn c -> {
                writeCommandHeader(w, CMD_CLIENT_TXN, c);
                KvCodec.writeTransaction(w, c.txn());
            }
            case Command.LeaseAcquire c -> {
                writeCommandHeader(w, CMD_LEASE_ACQUIRE, c);
                w.writeString(c.lease());
                w.writeString(c.holder());
                w.writeSignedLong(c.durationMillis());
                w.writeSignedLong(c.takeoverVersion());
            }
            case Command.LeaseRenew c -> {
                writeCommandHeader(w, CMD_LEASE_RENEW, c);
                w.writeString(c.lease());
                w.writeString(c.holder());
                w.writeSignedLong(c.token());
            }
            case Command.LeaseRelease c -> {
                writeCommandHeader(w, CMD_LEASE_RELEASE, c);
                w.writeString(c.lease());
                w.writeString(c.holder());
                w.writeSignedLong(c.token());
            }
            case Command.AddMember c -> {
                writeCommandHeader(w, CMD_ADD_MEMBER, c);
                writeNode(w, c.node());
            }
            case Command.RemoveMember c -> {
                writeCommandHeader(w, CMD_REMOVE_MEMBER, c);
                writeMember(w, c.member());
            }
        }
    }

    private static void writeCommandHeader(ByteWriter w, int tag, Command c) {
        w.writeByte(tag);
        w.writeString(c.clientId());
        w.writeSignedLong(c.seq());
    }

    static Command readCommand(ByteReader r) {
        int tag = r.readByte();
        if (tag < CMD_CLIENT_TXN || tag > CMD_REMOVE_MEMBER) {
            throw new WireFormatException("unknown command tag " + tag);
        }
        String clientId = r.readString();
        long seq = r.readSignedLong();
        return switch (tag) {
            case CMD_CLIENT_TXN -> new Command.ClientTxn(clientId, seq, KvCodec.readTransaction(r));
            case CMD_LEASE_ACQUIRE -> new Command.LeaseAcquire(clientId, seq, r.readString(), r.readString(),
                    r.readSignedLong(), r.readSignedLong());
            case CMD_LEASE_RENEW -> new Command.LeaseRenew(clientId, seq, r.readString(), r.readString(),
                    r.readSignedLong());
            case CMD_LEASE_RELEASE -> new Command.LeaseRelease(clientId, seq, r.readString(), r.readString(),
                    r.readSignedLong());
            case CMD_ADD_MEMBER -> new Command.AddMember(clientId, seq, readNode(r));
            case CMD_REMOVE_MEMBER -> new Command.RemoveMember(clientId, seq, readMember(r));
            default -> throw new IllegalStateException("tag range checked above: " + tag);
        };
    }

    static void writeBatch(ByteWriter w, Batch batch) {
        w.writeLength(batch.commands().size());
        for (Command c : batch.commands()) {
            writeCommand(w, c);
        }
    }

    static Batch readBatch(ByteReader r) {
        int count = r.readCount();
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            commands.add(readCommand(r));
        }
        return new Batch(commands);
    }

    static void writeCommandResult(ByteWriter w, CommandResult result) {
        switch (result) {
            case CommandResult.Txn t -> {
                w.writeByte(RESULT_TXN);
                KvCodec.writeTxnResult(w, t.result());
            }
            case CommandResult.Lease l -> {
                w.writeByte(RESULT_LEASE);
                w.writeByte(leaseStatusCode(l.status()));
                w.writeOptionalString(l.holder());
                w.writeSignedLong(l.token());
                w.writeSignedLong(l.version());
            }
            case CommandResult.Membership m -> {
                w.writeByte(RESULT_MEMBERSHIP);
                w.writeBoolean(m.applied());
                w.writeString(m.detail());
                // A refused change may have no pending configuration to report.
                if (w.writePresence(m.pending() != null)) {
                    writeConfiguration(w, m.pending());
                }
            }
            case CommandResult.Stale s -> {
                w.writeByte(RESULT_STALE);
                w.writeSignedLong(s.latestSeq());
            }
        }
    }

    static CommandResult readCommandResult(ByteReader r) {
        int tag = r.readByte();
        return switch (tag) {
            case RESULT_TXN -> new CommandResult.Txn(KvCodec.readTxnResult(r));
            case RESULT_LEASE -> new CommandResult.Lease(leaseStatusOf(r.readByte()), r.readOptionalString(),
                    r.readSignedLong(), r.readSignedLong());
            case RESULT_MEMBERSHIP -> new CommandResult.Membership(r.readBoolean(), r.readString(),
                    r.readPresence() ? readConfiguration(r) : null);
            case RESULT_STALE -> new CommandResult.Stale(r.readSignedLong());
            default -> throw new WireFormatException("unknown command result tag " + tag);
        };
    }

    private static int leaseStatusCode(CommandResult.LeaseStatus status) {
        return switch (status) {
            case GRANTED -> 1;
            case RENEWED -> 2;
            case RELEASED -> 3;
            case HELD_BY_OTHER -> 4;
            case NOT_HOLDER -> 5;
            case INVALID -> 6;
        };
    }

    private static CommandResult.LeaseStatus leaseStatusOf(int code) {
        return switch (code) {
            case 1 -> CommandResult.LeaseStatus.GRANTED;
            case 2 -> CommandResult.LeaseStatus.RENEWED;
            case 3 -> CommandResult.LeaseStatus.RELEASED;
            case 4 -> CommandResult.LeaseStatus.HELD_BY_OTHER;
            case 5 -> CommandResult.LeaseStatus.NOT_HOLDER;
            case 6 -> CommandResult.LeaseStatus.INVALID;
            default -> throw new WireFormatException("unknown lease status " + code);
        };
    }

    static void writeSnapshot(ByteWriter w, CellSnapshot s) {
        w.writeString(s.cell());
        w.writeSignedLong(s.appliedUpTo());
        w.writeSignedLong(s.revision());
        w.writeLength(s.data().size());
        for (OpResult.Entry e : s.data()) {
            KvCodec.writeEntry(w, e);
        }
        w.writeLength(s.leases().size());
        for (LeaseState l : s.leases()) {
            w.writeString(l.name());
            w.writeString(l.holder());
            w.writeSignedLong(l.token());
            w.writeSignedLong(l.version());
            w.writeSignedLong(l.durationMillis());
        }
        w.writeSignedLong(s.lastLeaseToken());
        w.writeLength(s.sessions().size());
        for (SessionEntry e : s.sessions()) {
            w.writeString(e.clientId());
            w.writeSignedLong(e.seq());
            w.writeSignedLong(e.slot());
            writeCommandResult(w, e.result());
        }
        w.writeLength(s.epochs().size());
        for (ConfigEpoch e : s.epochs()) {
            w.writeSignedLong(e.fromSlot());
            writeConfiguration(w, e.configuration());
        }
    }

    static CellSnapshot readSnapshot(ByteReader r) {
        String cell = r.readString();
        long appliedUpTo = r.readSignedLong();
        long revision = r.readSignedLong();
        int dataCount = r.readCount();
        List<OpResult.Entry> data = new ArrayList<>();
        for (int i = 0; i < dataCount; i++) {
            data.add(KvCodec.readEntry(r));
        }
        int leaseCount = r.readCount();
        List<LeaseState> leases = new ArrayList<>();
        for (int i = 0; i < leaseCount; i++) {
            leases.add(new LeaseState(r.readString(), r.readString(), r.readSignedLong(), r.readSignedLong(),
                    r.readSignedLong()));
        }
        long lastLeaseToken = r.readSignedLong();
        int sessionCount = r.readCount();
        List<SessionEntry> sessions = new ArrayList<>();
        for (int i = 0; i < sessionCount; i++) {
            sessions.add(new SessionEntry(r.readString(), r.readSignedLong(), r.readSignedLong(),
                    readCommandResult(r)));
        }
        int epochCount = r.readCount();
        List<ConfigEpoch> epochs = new ArrayList<>();
        for (int i = 0; i < epochCount; i++) {
            epochs.add(new ConfigEpoch(r.readSignedLong(), readConfiguration(r)));
        }
        return new CellSnapshot(cell, appliedUpTo, revision, data, leases, lastLeaseToken, sessions, epochs);
    }
}
