package io.physalia.core.wire;

import io.physalia.core.kv.Condition;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.TxnResult;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.kv.Value;
import io.physalia.core.kv.VersionedValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Encoding of the key-value types: values, conditions, ops, transactions and their results.
 *
 * <p>Every variant has an explicit tag (never an ordinal), and an unknown tag fails decoding: a
 * replica must never apply something it only half understands (paper section 3.3). Lists are
 * never pre-sized from a count read off the wire; they grow as elements are actually decoded.
 */
final class KvCodec {
    /** Integers longer than this are refused on both sides; it must stay above the KV limit on integer size. */
    static final int MAX_INTEGER_BYTES = 64 * 1024;

    private static final int VALUE_BYTES = 1;
    private static final int VALUE_INT = 2;
    private static final int VALUE_BOOL = 3;

    private static final int COND_EXISTS = 1;
    private static final int COND_ABSENT = 2;
    private static final int COND_VALUE_EQUALS = 3;
    private static final int COND_VERSION_EQUALS = 4;

    private static final int OP_GET = 1;
    private static final int OP_PUT = 2;
    private static final int OP_DELETE = 3;
    private static final int OP_INCREMENT = 4;
    private static final int OP_SCAN = 5;

    private static final int RESULT_READ = 1;
    private static final int RESULT_WRITTEN = 2;
    private static final int RESULT_DELETED = 3;
    private static final int RESULT_SCAN_PAGE = 4;

    private KvCodec() {}

    static void writeValue(ByteWriter w, Value value) {
        switch (value) {
            case Value.Bytes b -> {
                w.writeByte(VALUE_BYTES);
                w.writeByteString(b.toArray());
            }
            case Value.Int i -> {
                w.writeByte(VALUE_INT);
                w.writeBigInteger(i.value(), MAX_INTEGER_BYTES);
            }
            case Value.Bool b -> {
                w.writeByte(VALUE_BOOL);
                w.writeBoolean(b.value());
            }
        }
    }

    static Value readValue(ByteReader r) {
        int tag = r.readByte();
        return switch (tag) {
            case VALUE_BYTES -> new Value.Bytes(r.readByteString());
            case VALUE_INT -> new Value.Int(r.readBigInteger(MAX_INTEGER_BYTES));
            case VALUE_BOOL -> new Value.Bool(r.readBoolean());
            default -> throw new WireFormatException("unknown value tag " + tag);
        };
    }

    static void writeVersionedValue(ByteWriter w, VersionedValue v) {
        writeValue(w, v.value());
        w.writeSignedLong(v.version());
    }

    static VersionedValue readVersionedValue(ByteReader r) {
        return new VersionedValue(readValue(r), r.readSignedLong());
    }

    static void writeCondition(ByteWriter w, Condition condition) {
        switch (condition) {
            case Condition.Exists c -> {
                w.writeByte(COND_EXISTS);
                w.writeString(c.key());
            }
            case Condition.Absent c -> {
                w.writeByte(COND_ABSENT);
                w.writeString(c.key());
            }
            case Condition.ValueEquals c -> {
                w.writeByte(COND_VALUE_EQUALS);
                w.writeString(c.key());
                writeValue(w, c.value());
            }
            case Condition.VersionEquals c -> {
                w.writeByte(COND_VERSION_EQUALS);
                w.writeString(c.key());
                w.writeSignedLong(c.version());
            }
        }
    }

    static Condition readCondition(ByteReader r) {
        int tag = r.readByte();
        return switch (tag) {
            case COND_EXISTS -> new Condition.Exists(r.readString());
            case COND_ABSENT -> new Condition.Absent(r.readString());
            case COND_VALUE_EQUALS -> new Condition.ValueEquals(r.readString(), readValue(r));
            case COND_VERSION_EQUALS -> new Condition.VersionEquals(r.readString(), r.readSignedLong());
            default -> throw new WireFormatException("unknown condition tag " + tag);
        };
    }

    static void writeOp(ByteWriter w, Op op) {
        switch (op) {
            case Op.Get o -> {
                w.writeByte(OP_GET);
                w.writeString(o.key());
            }
            case Op.Put o -> {
                w.writeByte(OP_PUT);
                w.writeString(o.key());
                writeValue(w, o.value());
            }
            case Op.Delete o -> {
                w.writeByte(OP_DELETE);
                w.writeString(o.key());
            }
            case Op.Increment o -> {
                w.writeByte(OP_INCREMENT);
                w.writeString(o.key());
                w.writeBigInteger(o.delta(), MAX_INTEGER_BYTES);
            }
            case Op.Scan o -> {
                w.writeByte(OP_SCAN);
                w.writeOptionalString(o.prefix());
                w.writeOptionalString(o.startInclusive());
                w.writeOptionalString(o.endExclusive());
                w.writeOptionalString(o.pageToken());
                w.writeSignedInt(o.pageSize());
            }
        }
    }

    static Op readOp(ByteReader r) {
        int tag = r.readByte();
        return switch (tag) {
            case OP_GET -> new Op.Get(r.readString());
            case OP_PUT -> new Op.Put(r.readString(), readValue(r));
            case OP_DELETE -> new Op.Delete(r.readString());
            case OP_INCREMENT -> new Op.Increment(r.readString(), r.readBigInteger(MAX_INTEGER_BYTES));
            case OP_SCAN -> new Op.Scan(r.readOptionalString(), r.readOptionalString(), r.readOptionalString(),
                    r.readOptionalString(), r.readSignedInt());
            default -> throw new WireFormatException("unknown op tag " + tag);
        };
    }

    static void writeTransaction(ByteWriter w, Transaction txn) {
        w.writeLength(txn.conditions().size());
        for (Condition c : txn.conditions()) {
            writeCondition(w, c);
        }
        w.writeLength(txn.ops().size());
        for (Op op : txn.ops()) {
            writeOp(w, op);
        }
    }

    static Transaction readTransaction(ByteReader r) {
        int conditionCount = r.readCount();
        List<Condition> conditions = new ArrayList<>();
        for (int i = 0; i < conditionCount; i++) {
            conditions.add(readCondition(r));
        }
        int opCount = r.readCount();
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < opCount; i++) {
            ops.add(readOp(r));
        }
        return new Transaction(conditions, ops);
    }

    static void writeEntry(ByteWriter w, OpResult.Entry e) {
        w.writeString(e.key());
        writeVersionedValue(w, e.value());
    }

    static OpResult.Entry readEntry(ByteReader r) {
        return new OpResult.Entry(r.readString(), readVersionedValue(r));
    }

    static void writeOpResult(ByteWriter w, OpResult result) {
        switch (result) {
            case OpResult.Read o -> {
                w.writeByte(RESULT_READ);
                w.writeString(o.key());
                if (w.writePresence(o.found() != null)) {
                    writeVersionedValue(w, o.found());
                }
            }
            case OpResult.Written o -> {
                w.writeByte(RESULT_WRITTEN);
                w.writeString(o.key());
                writeVersionedValue(w, o.now());
            }
            case OpResult.Deleted o -> {
                w.writeByte(RESULT_DELETED);
                w.writeString(o.key());
                w.writeBoolean(o.existed());
            }
            case OpResult.ScanPage o -> {
                w.writeByte(RESULT_SCAN_PAGE);
                w.writeLength(o.entries().size());
                for (OpResult.Entry e : o.entries()) {
                    writeEntry(w, e);
                }
                w.writeOptionalString(o.nextPageToken());
            }
        }
    }

    static OpResult readOpResult(ByteReader r) {
        int tag = r.readByte();
        return switch (tag) {
            case RESULT_READ -> new OpResult.Read(r.readString(), r.readPresence() ? readVersionedValue(r) : null);
            case RESULT_WRITTEN -> new OpResult.Written(r.readString(), readVersionedValue(r));
            case RESULT_DELETED -> new OpResult.Deleted(r.readString(), r.readBoolean());
            case RESULT_SCAN_PAGE -> {
                int count = r.readCount();
                List<OpResult.Entry> entries = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    entries.add(readEntry(r));
                }
                yield new OpResult.ScanPage(entries, r.readOptionalString());
            }
            default -> throw new WireFormatException("unknown op result tag " + tag);
        };
    }

    static void writeTxnResult(ByteWriter w, TxnResult result) {
        w.writeByte(statusCode(result.status()));
        w.writeString(result.detail());
        w.writeSignedLong(result.revision());
        w.writeLength(result.results().size());
        for (OpResult o : result.results()) {
            writeOpResult(w, o);
        }
    }

    static TxnResult readTxnResult(ByteReader r) {
        TxnStatus status = statusOf(r.readByte());
        String detail = r.readString();
        long revision = r.readSignedLong();
        int count = r.readCount();
        List<OpResult> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(readOpResult(r));
        }
        return new TxnResult(status, detail, revision, results);
    }

    /** Explicit codes so that reordering the enum never changes what stored bytes mean. */
    private static int statusCode(TxnStatus status) {
        return switch (status) {
            case OK -> 1;
            case CONDITION_FAILED -> 2;
            case TYPE_MISMATCH -> 3;
            case LIMIT_EXCEEDED -> 4;
            case INVALID -> 5;
        };
    }

    private static TxnStatus statusOf(int code) {
        return switch (code) {
            case 1 -> TxnStatus.OK;
            case 2 -> TxnStatus.CONDITION_FAILED;
            case 3 -> TxnStatus.TYPE_MISMATCH;
            case 4 -> TxnStatus.LIMIT_EXCEEDED;
            case 5 -> TxnStatus.INVALID;
            default -> throw new WireFormatException("unknown transaction status " + code);
        };
    }
}
