package io.physalia.core.kv;

import static io.physalia.core.kv.Txns.delete;
import static io.physalia.core.kv.Txns.get;
import static io.physalia.core.kv.Txns.increment;
import static io.physalia.core.kv.Txns.ops;
import static io.physalia.core.kv.Txns.prefix;
import static io.physalia.core.kv.Txns.put;
import static io.physalia.core.kv.Txns.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writes, revisions, versions, increments and limits of {@link KvStore#apply}. */
class KvStoreWriteTest {
    private final KvStore store = new KvStore(Limits.DEFAULT);

    private TxnResult ok(Transaction txn) {
        TxnResult r = store.apply(txn);
        assertEquals(TxnStatus.OK, r.status(), r.detail());
        assertEquals("", r.detail());
        return r;
    }

    @Test
    void freshStoreIsEmptyAtRevisionZero() {
        assertEquals(0, store.revision());
        assertEquals(0, store.size());
        assertEquals(0, store.approximateBytes());
        assertEquals(List.of(), store.entries());
    }

    @Test
    void putCreatesKeyWithVersionEqualToTheNewRevision() {
        TxnResult r = ok(ops(put("a", "x")));
        VersionedValue expected = new VersionedValue(Value.ofUtf8("x"), 1);
        assertEquals(1, r.revision());
        assertEquals(List.of(new OpResult.Written("a", expected)), r.results());
        assertEquals(expected, store.get("a"));
    }

    @Test
    void writingTransactionAdvancesRevisionByExactlyOneAndAllItsKeysShareIt() {
        ok(ops(put("seed", 0)));
        TxnResult r = ok(ops(put("a", 1), increment("b", 2), delete("seed")));
        assertEquals(2, r.revision());
        assertEquals(2, store.get("a").version());
        assertEquals(2, store.get("b").version());
        assertNull(store.get("seed"));
    }

    @Test
    void readOnlyTransactionKeepsTheRevision() {
        ok(ops(put("a", 1)));
        TxnResult r = ok(ops(get("a"), prefix("", 10)));
        assertEquals(1, r.revision());
        assertEquals(1, store.revision());
    }

    @Test
    void conditionOnlyTransactionSucceedsWithoutWriting() {
        TxnResult r = ok(when(List.of(new Condition.Absent("a"))));
        assertEquals(List.of(), r.results());
        assertEquals(0, store.revision());
    }

    @Test
    void deleteOfAnAbsentKeyReportsItAndKeepsTheRevision() {
        ok(ops(put("a", 1)));
        TxnResult r = ok(ops(delete("nothing")));
        assertEquals(List.of(new OpResult.Deleted("nothing", false)), r.results());
        assertEquals(1, r.revision());
    }

    @Test
    void deleteOfAnAbsentKeyBesideARealWriteAdvancesTheRevisionOnce() {
        TxnResult r = ok(ops(delete("nothing"), put("a", 1)));
        assertEquals(1, r.revision());
        assertEquals(new OpResult.Deleted("nothing", false), r.results().get(0));
    }

    @Test
    void deleteOfAnExistingKeyRemovesItAndAdvancesTheRevision() {
        ok(ops(put("a", 1)));
        TxnResult r = ok(ops(delete("a")));
        assertEquals(List.of(new OpResult.Deleted("a", true)), r.results());
        assertEquals(2, r.revision());
        assertEquals(0, store.size());
        assertEquals(0, store.approximateBytes());
    }

    @Test
    void rewritingTheSameValueStillMovesTheVersion() {
        ok(ops(put("a", 1)));
        ok(ops(put("a", 1)));
        assertEquals(2, store.get("a").version());
    }

    @Test
    void versionAfterDeleteAndRecreateNeverRepeatsAnOldOne() {
        ok(ops(put("a", 1)));                              // a@1
        long seen = store.get("a").version();
        ok(ops(delete("a")));                              // revision 2
        ok(ops(put("a", 1)));                              // a@3, same value as before
        assertEquals(3, store.get("a").version());
        TxnResult stale = store.apply(when(List.of(new Condition.VersionEquals("a", seen)), put("a", 2)));
        assertEquals(TxnStatus.CONDITION_FAILED, stale.status());
        assertTrue(stale.detail().contains("version is 3, expected 1"), stale.detail());
    }

    @Test
    void opsSeeTheStateBeforeTheTransaction() {
        ok(ops(put("a", 1)));
        TxnResult r = ok(ops(get("a"), put("a", 2), get("a"), put("b", 3), prefix("", 10), get("b")));
        VersionedValue old = new VersionedValue(Value.ofInt(1), 1);
        assertEquals(new OpResult.Read("a", old), r.results().get(0));
        assertEquals(new OpResult.Read("a", old), r.results().get(2));
        assertEquals(List.of("a"), Txns.keys(r.results().get(4)));
        assertEquals(new OpResult.Read("b", null), r.results().get(5));
        assertEquals(Value.ofInt(2), store.get("a").value());
    }

    @Test
    void incrementOfAnAbsentKeyStartsFromZero() {
        TxnResult r = ok(ops(increment("n", 5)));
        assertEquals(List.of(new OpResult.Written("n", new VersionedValue(Value.ofInt(5), 1))), r.results());
    }

    @Test
    void incrementByZeroOfAnAbsentKeyCreatesZero() {
        ok(ops(increment("n", 0)));
        assertEquals(Value.ofInt(0), store.get("n").value());
    }

    @Test
    void incrementAddsToAnExistingIntegerIncludingNegativeDeltas() {
        ok(ops(put("n", 10)));
        ok(ops(increment("n", -25)));
        assertEquals(new VersionedValue(Value.ofInt(-15), 2), store.get("n"));
    }

    @Test
    void incrementIsArbitraryPrecision() {
        ok(ops(put("n", Long.MAX_VALUE)));
        ok(ops(increment("n", Long.MAX_VALUE)));
        BigInteger expected = BigInteger.valueOf(Long.MAX_VALUE).shiftLeft(1);
        assertEquals(Value.ofInt(expected), store.get("n").value());
    }

    @Test
    void incrementOfANonIntegerIsATypeMismatchAndWritesNothing() {
        ok(ops(put("s", "text"), put("b", 1)));
        TxnResult r = store.apply(ops(put("b", 2), increment("s", 1)));
        assertEquals(TxnStatus.TYPE_MISMATCH, r.status());
        assertTrue(r.detail().contains("op 1 (increment \"s\")") && r.detail().contains("BYTES, not INT"), r.detail());
        assertEquals(List.of(), r.results());
        assertEquals(1, r.revision());
        assertEquals(Value.ofInt(1), store.get("b").value());
    }

    @Test
    void incrementOfABooleanIsATypeMismatch() {
        ok(ops(new Op.Put("flag", Value.ofBool(true))));
        assertEquals(TxnStatus.TYPE_MISMATCH, store.apply(ops(increment("flag", 1))).status());
    }

    @Test
    void incrementResultOverMaxBitsIsLimitExceededAndWritesNothing() {
        BigInteger max = BigInteger.ONE.shiftLeft(1024).subtract(BigInteger.ONE); // 1024 bits
        ok(ops(new Op.Put("n", Value.ofInt(max))));
        TxnResult r = store.apply(ops(put("other", 1), increment("n", 1)));
        assertEquals(TxnStatus.LIMIT_EXCEEDED, r.status());
        assertTrue(r.detail().contains("op 1 (increment \"n\")") && r.detail().contains("1025 bits"), r.detail());
        assertNull(store.get("other"));
        assertEquals(Value.ofInt(max), store.get("n").value());
    }

    @Test
    void keysPerCellLimitRejectsGrowthButNotOverwritesOrSwaps() {
        KvStore small = new KvStore(new Limits(1024, 1024, 2, 64, 64, 100, 64, 1 << 20));
        assertEquals(TxnStatus.OK, small.apply(ops(put("a", 1), put("b", 1))).status());
        TxnResult grow = small.apply(ops(put("c", 1)));
        assertEquals(TxnStatus.LIMIT_EXCEEDED, grow.status());
        assertTrue(grow.detail().contains("3 keys; the limit is 2"), grow.detail());
        assertNull(small.get("c"));
        assertEquals(TxnStatus.OK, small.apply(ops(put("a", 2))).status());
        assertEquals(TxnStatus.OK, small.apply(ops(delete("a"), put("c", 1))).status());
        assertEquals(List.of("b", "c"), small.entries().stream().map(OpResult.Entry::key).toList());
    }

    @Test
    void cellBytesLimitRejectsGrowthAndWritesNothing() {
        // "k1" + 8-byte value = 10 bytes per entry.
        KvStore small = new KvStore(new Limits(1024, 1024, 100, 64, 64, 100, 64, 25));
        assertEquals(TxnStatus.OK, small.apply(ops(put("k1", "12345678"), put("k2", "12345678"))).status());
        assertEquals(20, small.approximateBytes());
        TxnResult r = small.apply(ops(put("k3", "12345678")));
        assertEquals(TxnStatus.LIMIT_EXCEEDED, r.status());
        assertTrue(r.detail().contains("30 bytes; the limit is 25"), r.detail());
        assertEquals(2, small.size());
        assertEquals(TxnStatus.OK, small.apply(ops(put("k1", "1234"), put("k3", "1"))).status());
        assertEquals(19, small.approximateBytes());
    }

    @Test
    void approximateBytesCountsUtf8KeysAndEncodedValues() {
        ok(ops(put("é", "€"), new Op.Put("n", Value.ofInt(255)), new Op.Put("f", Value.ofBool(false))));
        // é: 2 + €: 3; n: 1 + 255 needs 2 bytes in two's complement; f: 1 + 1.
        assertEquals(5 + 3 + 2, store.approximateBytes());
    }

    @Test
    void exhaustedRevisionIsLimitExceededNotOverflow() {
        KvStore old = KvStore.restore(Long.MAX_VALUE, List.of(), Limits.DEFAULT);
        TxnResult r = old.apply(ops(put("a", 1)));
        assertEquals(TxnStatus.LIMIT_EXCEEDED, r.status());
        assertTrue(r.detail().contains("revision is exhausted"), r.detail());
        assertEquals(TxnStatus.OK, old.apply(ops(get("a"))).status());
    }

    @Test
    void malformedTransactionIsInvalidWithTheReasonAndWritesNothing() {
        ok(ops(put("a", 1)));
        TxnResult r = store.apply(ops(put("b", 1), put("", 2)));
        assertEquals(TxnStatus.INVALID, r.status());
        assertTrue(r.detail().contains("op 1") && r.detail().contains("key is empty"), r.detail());
        assertEquals(1, r.revision());
        assertEquals(List.of(), r.results());
        assertNull(store.get("b"));
    }

    @Test
    void nullTransactionIsInvalidRatherThanAnException() {
        TxnResult r = store.apply(null);
        assertEquals(TxnStatus.INVALID, r.status());
        assertEquals("transaction is null", r.detail());
    }

    @Test
    void emptyStoreHoldsNoMap() throws ReflectiveOperationException {
        var field = KvStore.class.getDeclaredField("data");
        field.setAccessible(true);
        assertNull(field.get(store), "a fresh store must not allocate its map");
        ok(ops(put("a", 1)));
        ok(ops(delete("a")));
        assertNull(field.get(store), "a store emptied again must release its map");
    }
}
