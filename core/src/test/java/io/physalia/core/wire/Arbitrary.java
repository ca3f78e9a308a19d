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
import io.physalia.core.kv.Condition;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.TxnResult;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.kv.Value;
import io.physalia.core.kv.VersionedValue;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Seeded random instances of every type the codecs carry, including the awkward corners:
 * nulls where a field is optional, empty and non-ASCII strings, supplementary characters,
 * negative and huge numbers, empty lists.
 */
final class Arbitrary {
    private static final String[] WORDS = {"", "a", "key", "Ünïcødé", "日本語", "\uD83D\uDE00emoji", "x/y/z", "\u0000nul"};

    private final Random random;

    Arbitrary(long seed) {
        this.random = new Random(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    String string() {
        if (random.nextInt(4) == 0) {
            return WORDS[random.nextInt(WORDS.length)];
        }
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0 -> sb.append((char) ('a' + random.nextInt(26)));
                case 1 -> sb.append((char) (0x80 + random.nextInt(0x780)));
                case 2 -> sb.append((char) (0xE000 + random.nextInt(0x1000)));
                default -> sb.appendCodePoint(0x10000 + random.nextInt(0x100000 - 0x10000));
            }
        }
        return sb.toString();
    }

    String optionalString() {
        return random.nextInt(3) == 0 ? null : string();
    }

    long number() {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> random.nextInt(200);
            case 2 -> -random.nextInt(200);
            case 3 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            default -> random.nextLong();
        };
    }

    <T> List<T> list(Supplier<T> element, int max) {
        int n = random.nextInt(max + 1);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(element.get());
        }
        return out;
    }

    BigInteger bigInteger() {
        return switch (random.nextInt(4)) {
            case 0 -> BigInteger.valueOf(random.nextInt(256) - 128);
            case 1 -> BigInteger.valueOf(random.nextLong());
            default -> {
                BigInteger v = new BigInteger(1 + random.nextInt(600), random);
                yield random.nextBoolean() ? v.negate() : v;
            }
        };
    }

    Value value() {
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(40)];
                random.nextBytes(b);
                yield Value.ofBytes(b);
            }
            case 1 -> Value.ofInt(bigInteger());
            default -> Value.ofBool(random.nextBoolean());
        };
    }

    VersionedValue versionedValue() {
        return new VersionedValue(value(), number());
    }

    Condition condition() {
        return switch (random.nextInt(4)) {
            case 0 -> new Condition.Exists(string());
            case 1 -> new Condition.Absent(string());
            case 2 -> new Condition.ValueEquals(string(), value());
            default -> new Condition.VersionEquals(string(), number());
        };
    }

    Op op() {
        return switch (random.nextInt(5)) {
            case 0 -> new Op.Get(string());
            case 1 -> new Op.Put(string(), value());
            case 2 -> new Op.Delete(string());
            case 3 -> new Op.Increment(string(), bigInteger());
            default -> new Op.Scan(optionalString(), optionalString(), optionalString(), optionalString(),
                    random.nextBoolean() ? random.nextInt(1000) : random.nextInt());
        };
    }

    Transaction transaction() {
        return new Transaction(list(this::condition, 3), list(this::op, 4));
    }

    NodeId node() {
        return new NodeId(random.nextInt(5) == 0 ? string() : "node-" + random.nextInt(10));
    }

    Member member() {
        return new Member(node(), random.nextInt(4) == 0 ? number() : random.nextInt(3));
    }

    Configuration configuration() {
        TreeSet<Member> members = new TreeSet<>();
        int n = 1 + random.nextInt(7);
        while (members.size() < n) {
            members.add(member());
        }
        return new Configuration(new ArrayList<>(members));
    }

    Command command() {
        return switch (random.nextInt(6)) {
            case 0 -> new Command.ClientTxn(string(), number(), transaction());
            case 1 -> new Command.LeaseAcquire(string(), number(), string(), string(), number(), number());
            case 2 -> new Command.LeaseRenew(string(), number(), string(), string(), number());
            case 3 -> new Command.LeaseRelease(string(), number(), string(), string(), number());
            case 4 -> new Command.AddMember(string(), number(), node());
            default -> new Command.RemoveMember(string(), number(), member());
        };
    }

    Batch batch() {
        return random.nextInt(5) == 0 ? Batch.NOOP : new Batch(list(this::command, 4));
    }

    OpResult opResult() {
        return switch (random.nextInt(4)) {
            case 0 -> new OpResult.Read(string(), random.nextBoolean() ? null : versionedValue());
            case 1 -> new OpResult.Written(string(), versionedValue());
            case 2 -> new OpResult.Deleted(string(), random.nextBoolean());
            default -> new OpResult.ScanPage(list(this::entry, 3), optionalString());
        };
    }

    OpResult.Entry entry() {
        return new OpResult.Entry(string(), versionedValue());
    }

    TxnResult txnResult() {
        TxnStatus[] statuses = TxnStatus.values();
        return new TxnResult(statuses[random.nextInt(statuses.length)], string(), number(), list(this::opResult, 3));
    }

    CommandResult commandResult() {
        return switch (random.nextInt(4)) {
            case 0 -> new CommandResult.Txn(txnResult());
            case 1 -> {
                CommandResult.LeaseStatus[] statuses = CommandResult.LeaseStatus.values();
                yield new CommandResult.Lease(statuses[random.nextInt(statuses.length)], optionalString(), number(),
                        number());
            }
            case 2 -> new CommandResult.Membership(random.nextBoolean(), string(),
                    random.nextInt(3) == 0 ? null : configuration());
            default -> new CommandResult.Stale(number());
        };
    }

    CellSnapshot snapshot() {
        return new CellSnapshot(string(), number(), number(), list(this::entry, 4),
                list(() -> new LeaseState(string(), string(), number(), number(), number()), 2), number(),
                list(() -> new SessionEntry(string(), number(), number(), commandResult()), 3),
                list(() -> new ConfigEpoch(number(), configuration()), 2));
    }

    Ballot ballot() {
        return random.nextInt(6) == 0 ? Ballot.ZERO : new Ballot(number(), member());
    }

    Message message() {
        return message(random.nextInt(9));
    }

    /** A message of the kind with this index (0..8, in {@link Message}'s permits order). */
    Message message(int kind) {
        return switch (kind) {
            case 0 -> new Message.Prepare(ballot(), number(), number());
            case 1 -> new Message.Promise(ballot(), number(),
                    list(() -> new Message.AcceptedEntry(number(), ballot(), batch()), 3), number());
            case 2 -> new Message.Nack(ballot(), ballot(), number(), number());
            case 3 -> new Message.Accept(ballot(), number(), batch(), number(), number());
            case 4 -> new Message.Accepted(ballot(), number(), number());
            case 5 -> new Message.Commit(ballot(), number());
            case 6 -> new Message.TeachRequest(number());
            case 7 -> new Message.TeachLog(number(), list(this::batch, 3), number());
            case 8 -> new Message.TeachSnapshot(snapshot(), number());
            default -> throw new IllegalArgumentException("no message kind " + kind);
        };
    }

    static final int MESSAGE_KINDS = 9;

    Envelope envelope() {
        return envelope(message());
    }

    Envelope envelope(Message message) {
        return new Envelope(string(), member(), member(), message);
    }

    DurableRecord record() {
        return record(random.nextInt(RECORD_KINDS));
    }

    static final int RECORD_KINDS = 5;

    DurableRecord record(int kind) {
        return switch (kind) {
            case 0 -> new DurableRecord.Identity(string(), member(), configuration());
            case 1 -> new DurableRecord.Promised(ballot());
            case 2 -> new DurableRecord.AcceptedValue(number(), ballot(), batch());
            case 3 -> new DurableRecord.Chosen(number(), batch());
            case 4 -> new DurableRecord.Snapshot(snapshot());
            default -> throw new IllegalArgumentException("no record kind " + kind);
        };
    }
}
