package io.physalia.core.kv;

import static io.physalia.core.kv.Txns.delete;
import static io.physalia.core.kv.Txns.get;
import static io.physalia.core.kv.Txns.increment;
import static io.physalia.core.kv.Txns.ops;
import static io.physalia.core.kv.Txns.prefix;
import static io.physalia.core.kv.Txns.put;
import static io.physalia.core.kv.Txns.range;
import static io.physalia.core.kv.Txns.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TransactionValidatorTest {
    private static final Limits LIMITS = Limits.DEFAULT;

    /** Asserts {@code txn} is rejected with a message containing every fragment. */
    private static void assertRejected(Transaction txn, String... fragments) {
        Optional<String> reason = TransactionValidator.validate(txn, LIMITS);
        assertTrue(reason.isPresent(), "expected a rejection");
        for (String fragment : fragments) {
            assertTrue(reason.get().contains(fragment), () -> "'" + reason.get() + "' lacks '" + fragment + "'");
        }
    }

    private static void assertAccepted(Transaction txn) {
        assertEquals(Optional.empty(), TransactionValidator.validate(txn, LIMITS));
    }

    private static Transaction scan(Op.Scan scan) {
        return ops(scan);
    }

    private static Op.Scan scan(String prefix, String start, String end, String token, int pageSize) {
        return new Op.Scan(prefix, start, end, token, pageSize);
    }

    @Test
    void acceptsAWellFormedMixedTransaction() {
        assertAccepted(when(List.of(new Condition.Exists("a"), new Condition.VersionEquals("b", 0)),
                get("a"), put("b", 1), delete("c"), increment("d", -5), prefix("p/", 10), get("b")));
    }

    @Test
    void acceptsConditionsWithoutOps() {
        assertAccepted(when(List.of(new Condition.Absent("a"))));
    }

    @Test
    void rejectsNullTransaction() {
        assertRejected(null, "transaction is null");
    }

    @Test
    void rejectsNullLimits() {
        assertEquals(Optional.of("limits are null"), TransactionValidator.validate(ops(get("a")), null));
    }

    @Test
    void rejectsTransactionWithNoOpsAndNoConditions() {
        assertRejected(ops(), "no ops and no conditions");
    }

    @Test
    void rejectsTooManyOps() {
        List<Op> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(get("k" + i));
        }
        assertRejected(new Transaction(List.of(), many), "65 ops", "limit is 64");
    }

    @Test
    void rejectsTooManyConditions() {
        List<Condition> many = Collections.nCopies(65, new Condition.Exists("k"));
        assertRejected(new Transaction(many, List.of()), "65 conditions", "limit is 64");
    }

    @Test
    void rejectsNullKeyInOp() {
        assertRejected(ops(get("a"), new Op.Get(null)), "op 1", "key is null");
    }

    @Test
    void rejectsNullKeyInCondition() {
        assertRejected(when(List.of(new Condition.Exists(null)), get("a")), "condition 0", "key is null");
    }

    @Test
    void rejectsEmptyKey() {
        assertRejected(ops(put("", 1)), "op 0 (put \"\")", "key is empty");
    }

    @Test
    void rejectsKeyOverMaxBytesCountingUtf8NotChars() {
        String euros = "€".repeat(342); // 342 chars, 1026 UTF-8 bytes
        assertRejected(ops(get(euros)), "op 0 (get \"€€€", "1026 UTF-8 bytes", "limit is 1024");
        assertAccepted(ops(get("€".repeat(341))));
    }

    @Test
    void rejectsKeyWithUnpairedHighSurrogate() {
        assertRejected(ops(delete("ab\uD83D")), "op 0 (delete \"ab\\ud83d\")", "not well-formed UTF-16", "index 2");
    }

    @Test
    void rejectsKeyWithUnpairedLowSurrogate() {
        assertRejected(when(List.of(new Condition.Absent("\uDE00x"))), "condition 0", "unpaired surrogate at index 0");
    }

    @Test
    void acceptsKeyWithSurrogatePair() {
        assertAccepted(ops(put("\uD83D\uDE00", 1)));
    }

    @Test
    void rejectsValueOverMaxBytes() {
        Op big = new Op.Put("blob", Value.ofBytes(new byte[65_537]));
        assertRejected(ops(big), "op 0 (put \"blob\")", "65537 bytes", "limit is 65536");
    }

    @Test
    void rejectsNullValueInPut() {
        assertRejected(ops(new Op.Put("k", null)), "op 0 (put \"k\")", "value is null");
    }

    @Test
    void rejectsIntegerValueOverMaxBits() {
        Op big = new Op.Put("n", Value.ofInt(BigInteger.ONE.shiftLeft(1024)));
        assertRejected(ops(big), "op 0 (put \"n\")", "1025 bits", "limit is 1024");
        assertAccepted(ops(new Op.Put("n", Value.ofInt(BigInteger.ONE.shiftLeft(1023)))));
    }

    @Test
    void rejectsIncrementDeltaOverMaxBits() {
        Op big = new Op.Increment("n", BigInteger.ONE.shiftLeft(1024).negate().subtract(BigInteger.ONE));
        assertRejected(ops(big), "op 0 (increment \"n\")", "delta has 1025 bits");
    }

    @Test
    void rejectsNullIncrementDelta() {
        assertRejected(ops(new Op.Increment("n", null)), "op 0 (increment \"n\")", "delta is null");
    }

    @Test
    void rejectsValueEqualsWithNullValue() {
        assertRejected(when(List.of(new Condition.ValueEquals("k", null))), "condition 0 (value-equals \"k\")", "value is null");
    }

    @Test
    void rejectsValueEqualsWithOversizedValue() {
        var c = new Condition.ValueEquals("k", Value.ofBytes(new byte[70_000]));
        assertRejected(when(List.of(c)), "condition 0", "70000 bytes");
    }

    @Test
    void rejectsNegativeVersionEquals() {
        assertRejected(when(List.of(new Condition.VersionEquals("k", -1))), "condition 0 (version-equals \"k\")", "negative");
    }

    @Test
    void rejectsTheSameKeyWrittenTwice() {
        assertRejected(ops(put("k", 1), get("x"), delete("k")), "op 2 (delete \"k\")", "already written by op 0");
        assertRejected(ops(increment("k", 1), increment("k", 1)), "op 1", "already written by op 0");
    }

    @Test
    void acceptsReadingAndWritingTheSameKey() {
        assertAccepted(ops(get("k"), put("k", 1), get("k")));
    }

    @Test
    void rejectsScanWithBothPrefixAndRange() {
        assertRejected(scan(scan("p", "a", null, null, 10)), "op 0 (scan)", "both a prefix and a range");
        assertRejected(scan(scan("p", null, "z", null, 10)), "both a prefix and a range");
    }

    @Test
    void rejectsRangeWhoseStartIsNotBeforeItsEnd() {
        assertRejected(scan(range("b", "a", 10)), "op 0 (scan)", "range start \"b\" is not before range end \"a\"");
        assertRejected(scan(range("b", "b", 10)), "is not before range end");
    }

    @Test
    void rejectsRangeBoundsInUtf16OrderButNotCodePointOrder() {
        // U+1F600 < U+FF5A in UTF-16 units, but not in code points: this range is empty-backwards.
        assertRejected(scan(range("\uD83D\uDE00", "\uFF5A", 10)), "is not before range end");
        assertAccepted(scan(range("\uFF5A", "\uD83D\uDE00", 10)));
    }

    @Test
    void rejectsPageSizeBelowOne() {
        assertRejected(scan(prefix("p", 0)), "op 0 (scan)", "page size 0 is outside 1..1000");
    }

    @Test
    void rejectsPageSizeOverTheLimit() {
        assertRejected(scan(prefix("p", 1001)), "page size 1001 is outside 1..1000");
    }

    @Test
    void rejectsIllFormedPrefixOrBound() {
        assertRejected(scan(prefix("p\uD800", 10)), "prefix is not well-formed UTF-16");
        assertRejected(scan(range("\uDC00", null, 10)), "range start is not well-formed UTF-16");
        assertRejected(scan(range(null, "x".repeat(1025), 10)), "range end is 1025 UTF-8 bytes");
    }

    @Test
    void acceptsUnboundedAndEmptyPrefixScans() {
        assertAccepted(scan(range(null, null, 10)));
        assertAccepted(scan(prefix("", 10)));
    }

    @Test
    void rejectsMalformedPageToken() {
        assertRejected(scan(scan("p", null, null, "garbage", 10)), "op 0 (scan)", "page token is malformed");
        assertRejected(scan(scan("p", null, null, "k1.YQ==", 10)), "page token is malformed");
    }

    @Test
    void rejectsPageTokenLongerThanAnyKeyCouldMake() {
        String token = PageToken.encode("p" + "x".repeat(2000));
        assertRejected(scan(scan("p", null, null, token, 10)), "page token is malformed");
    }

    @Test
    void rejectsPageTokenOutsideThePrefix() {
        String token = PageToken.encode("q/1");
        assertRejected(scan(scan("p/", null, null, token, 10)), "page token continues after \"q/1\"", "outside the prefix \"p/\"");
    }

    @Test
    void rejectsPageTokenBeforeTheRangeStart() {
        String token = PageToken.encode("a");
        assertRejected(scan(scan(null, "b", "d", token, 10)), "before the range start \"b\"");
    }

    @Test
    void rejectsPageTokenAtOrAfterTheRangeEnd() {
        assertRejected(scan(scan(null, "b", "d", PageToken.encode("d"), 10)), "not before the range end \"d\"");
        assertRejected(scan(scan(null, null, "d", PageToken.encode("e"), 10)), "not before the range end");
    }

    @Test
    void acceptsPageTokenInsideTheScan() {
        assertAccepted(scan(scan(null, "b", "d", PageToken.encode("b"), 10)));
        assertAccepted(scan(scan("p/", null, null, PageToken.encode("p/zz"), 10)));
    }

    @Test
    void reportsTheFirstProblemInConditionThenOpOrder() {
        var txn = when(List.of(new Condition.Exists("ok"), new Condition.Exists("")), put("", 1));
        assertRejected(txn, "condition 1");
    }

    @Test
    void truncatesHugeKeysInMessages() {
        Optional<String> reason = TransactionValidator.validate(ops(get("k".repeat(100_000))), LIMITS);
        assertTrue(reason.isPresent());
        assertTrue(reason.get().length() < 200, reason.get());
        assertTrue(reason.get().contains("(100000 chars)"), reason.get());
    }
}
