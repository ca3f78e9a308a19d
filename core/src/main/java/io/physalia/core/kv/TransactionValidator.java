package io.physalia.core.kv;

import io.physalia.core.Utf8;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a transaction is well-formed before it is proposed, so that a malformed one
 * never reaches the log (a poison pill, paper section 3.3). {@link KvStore#apply} runs the same
 * check again, because a replica must not trust that the proposer did.
 *
 * <p>Only the shape of the transaction is checked here, never the cell's state: the answer is the
 * same on every replica and at every slot. Whether the conditions hold, whether an increment
 * meets an integer, and whether the cell has room are decided when the transaction is applied.
 */
public final class TransactionValidator {
    private TransactionValidator() {}

    /**
     * Why {@code txn} is malformed under {@code limits}, naming the problem and the op or
     * condition index and key; empty if it is well-formed.
     */
    public static Optional<String> validate(Transaction txn, Limits limits) {
        return Optional.ofNullable(problem(txn, limits));
    }

    private static String problem(Transaction txn, Limits limits) {
        if (limits == null) {
            return "limits are null";
        }
        if (txn == null) {
            return "transaction is null";
        }
        List<Condition> conditions = txn.conditions();
        List<Op> ops = txn.ops();
        if (ops.isEmpty() && conditions.isEmpty()) {
            return "transaction has no ops and no conditions";
        }
        // Count limits first: they bound the work of every check below.
        if (ops.size() > limits.maxOpsPerTxn()) {
            return "transaction has " + ops.size() + " ops; the limit is " + limits.maxOpsPerTxn();
        }
        if (conditions.size() > limits.maxConditionsPerTxn()) {
            return "transaction has " + conditions.size() + " conditions; the limit is "
                    + limits.maxConditionsPerTxn();
        }
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            String why = conditionProblem(c, limits);
            if (why != null) {
                return Describe.condition(i, c) + ": " + why;
            }
        }
        // Two writes to one key would make the outcome depend on an order the model does not define.
        Map<String, Integer> writerOf = new HashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            String why = opProblem(op, limits);
            if (why != null) {
                return Describe.op(i, op) + ": " + why;
            }
            String written = writtenKey(op);
            if (written != null) {
                Integer earlier = writerOf.putIfAbsent(written, i);
                if (earlier != null) {
                    return Describe.op(i, op) + ": key is already written by op " + earlier
                            + " (a transaction writes each key at most once)";
                }
            }
        }
        return null;
    }

    private static String conditionProblem(Condition c, Limits limits) {
        String keyProblem = keyProblem(c.key(), limits);
        if (keyProblem != null) {
            return keyProblem;
        }
        return switch (c) {
            case Condition.ValueEquals v -> v.value() == null ? "value is null" : valueProblem(v.value(), limits);
            case Condition.VersionEquals v -> v.version() < 0 ? "version " + v.version() + " is negative" : null;
            case Condition.Exists e -> null;
            case Condition.Absent a -> null;
        };
    }

    private static String opProblem(Op op, Limits limits) {
        return switch (op) {
            case Op.Get g -> keyProblem(g.key(), limits);
            case Op.Delete d -> keyProblem(d.key(), limits);
            case Op.Put p -> {
                String keyProblem = keyProblem(p.key(), limits);
                if (keyProblem != null) {
                    yield keyProblem;
                }
                yield p.value() == null ? "value is null" : valueProblem(p.value(), limits);
            }
            case Op.Increment n -> {
                String keyProblem = keyProblem(n.key(), limits);
                if (keyProblem != null) {
                    yield keyProblem;
                }
                if (n.delta() == null) {
                    yield "delta is null";
                }
                yield n.delta().bitLength() > limits.maxIntBits()
                        ? "delta has " + n.delta().bitLength() + " bits; the limit is " + limits.maxIntBits()
                        : null;
            }
            case Op.Scan s -> scanProblem(s, limits);
        };
    }

    private static String writtenKey(Op op) {
        return switch (op) {
            case Op.Put p -> p.key();
            case Op.Delete d -> d.key();
            case Op.Increment n -> n.key();
            case Op.Get g -> null;
            case Op.Scan s -> null;
        };
    }

    /** Why {@code key} cannot be stored under {@code limits}, or null. */
    static String keyProblem(String key, Limits limits) {
        if (key == null) {
            return "key is null";
        }
        if (key.isEmpty()) {
            return "key is empty";
        }
        return stringProblem("key", key, limits);
    }

    /** Why {@code value} cannot be stored under {@code limits}, or null. */
    static String valueProblem(Value value, Limits limits) {
        if (value instanceof Value.Int i && i.value().bitLength() > limits.maxIntBits()) {
            return "integer has " + i.value().bitLength() + " bits; the limit is " + limits.maxIntBits();
        }
        long bytes = Sizes.valueBytes(value);
        if (bytes > limits.maxValueBytes()) {
            return "value is " + bytes + " bytes; the limit is " + limits.maxValueBytes();
        }
        return null;
    }

    /** Keys, prefixes and range bounds must be encodable as UTF-8 and no longer than a key may be. */
    private static String stringProblem(String what, String s, Limits limits) {
        int unpaired = Utf8.firstUnpairedSurrogate(s);
        if (unpaired >= 0) {
            return what + " is not well-formed UTF-16: unpaired surrogate at index " + unpaired;
        }
        long bytes = Utf8.encodedLength(s);
        if (bytes > limits.maxKeyBytes()) {
            return what + " is " + bytes + " UTF-8 bytes; the limit is " + limits.maxKeyBytes();
        }
        return null;
    }

    private static String scanProblem(Op.Scan scan, Limits limits) {
        String prefix = scan.prefix();
        String start = scan.startInclusive();
        String end = scan.endExclusive();
        if (prefix != null && (start != null || end != null)) {
            return "scan has both a prefix and a range; use one";
        }
        String why = prefix != null ? stringProblem("prefix", prefix, limits) : null;
        if (why == null && start != null) {
            why = stringProblem("range start", start, limits);
        }
        if (why == null && end != null) {
            why = stringProblem("range end", end, limits);
        }
        if (why != null) {
            return why;
        }
        if (start != null && end != null && KeyOrder.compare(start, end) >= 0) {
            return "range start " + Describe.key(start) + " is not before range end " + Describe.key(end);
        }
        if (scan.pageSize() < 1 || scan.pageSize() > limits.maxPageSize()) {
            return "page size " + scan.pageSize() + " is outside 1.." + limits.maxPageSize();
        }
        return scan.pageToken() == null ? null : pageTokenProblem(scan, limits);
    }

    private static String pageTokenProblem(Op.Scan scan, Limits limits) {
        String token = scan.pageToken();
        // Checked before decoding so that a huge forged token costs nothing.
        if (token.length() > PageToken.maxLength(limits.maxKeyBytes())) {
            return "page token is malformed (too long)";
        }
        String after = PageToken.decode(token).orElse(null);
        if (after == null || Utf8.encodedLength(after) > limits.maxKeyBytes()) {
            return "page token is malformed";
        }
        // A token from another scan would silently skip or repeat keys; reject it instead.
        if (scan.prefix() != null && !after.startsWith(scan.prefix())) {
            return "page token continues after " + Describe.key(after) + ", which is outside the prefix "
                    + Describe.key(scan.prefix());
        }
        if (scan.startInclusive() != null && KeyOrder.compare(after, scan.startInclusive()) < 0) {
            return "page token continues after " + Describe.key(after) + ", which is before the range start "
                    + Describe.key(scan.startInclusive());
        }
        if (scan.endExclusive() != null && KeyOrder.compare(after, scan.endExclusive()) >= 0) {
            return "page token continues after " + Describe.key(after) + ", which is not before the range end "
                    + Describe.key(scan.endExclusive());
        }
        return null;
    }
}
