package io.physalia.core.kv;

import static io.physalia.core.kv.Txns.get;
import static io.physalia.core.kv.Txns.ops;
import static io.physalia.core.kv.Txns.prefix;
import static io.physalia.core.kv.Txns.put;
import static io.physalia.core.kv.Txns.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Conditions, the compound read-and-conditional-write, and local reads. */
class KvStoreConditionTest {
    private final KvStore store = new KvStore(Limits.DEFAULT);

    @BeforeEach
    void seed() {
        // text@1 = "hello", n@2 = 7
        assertEquals(TxnStatus.OK, store.apply(ops(put("text", "hello"))).status());
        assertEquals(TxnStatus.OK, store.apply(ops(put("n", 7))).status());
    }

    private TxnStatus guardedPut(Condition condition) {
        TxnResult r = store.apply(when(List.of(condition), put("target", 1)));
        boolean wrote = store.get("target") != null;
        assertEquals(r.status() == TxnStatus.OK, wrote, "writes happen exactly when the conditions hold");
        return r.status();
    }

    @Test
    void existsHoldsOnlyForPresentKeys() {
        assertEquals(TxnStatus.CONDITION_FAILED, guardedPut(new Condition.Exists("missing")));
        assertEquals(TxnStatus.OK, guardedPut(new Condition.Exists("text")));
    }

    @Test
    void absentHoldsOnlyForMissingKeys() {
        assertEquals(TxnStatus.CONDITION_FAILED, guardedPut(new Condition.Absent("text")));
        assertEquals(TxnStatus.OK, guardedPut(new Condition.Absent("missing")));
    }

    @Test
    void valueEqualsComparesContent() {
        assertEquals(TxnStatus.CONDITION_FAILED, guardedPut(new Condition.ValueEquals("text", Value.ofUtf8("hellO"))));
        assertEquals(TxnStatus.OK, guardedPut(new Condition.ValueEquals("text", Value.ofUtf8("hello"))));
    }

    @Test
    void valueEqualsRequiresTheSameType() {
        TxnResult r = store.apply(when(List.of(new Condition.ValueEquals("n", Value.ofUtf8("7")))));
        assertEquals(TxnStatus.CONDITION_FAILED, r.status());
        assertTrue(r.detail().contains("key holds INT, expected BYTES"), r.detail());
    }

    @Test
    void valueEqualsFailsOnAbsentKey() {
        assertEquals(TxnStatus.CONDITION_FAILED, guardedPut(new Condition.ValueEquals("missing", Value.ofInt(0))));
    }

    @Test
    void versionEqualsMatchesTheLastWriteRevision() {
        assertEquals(TxnStatus.CONDITION_FAILED, guardedPut(new Condition.VersionEquals("n", 1)));
        assertEquals(TxnStatus.OK, guardedPut(new Condition.VersionEquals("n", 2)));
    }

    @Test
    void versionEqualsFailsOnAbsentKeyEvenForVersionZero() {
        assertEquals(TxnStatus.CONDITION_FAILED, guardedPut(new Condition.VersionEquals("missing", 0)));
    }

    @Test
    void detailNamesTheFirstFailingConditionWithIndexAndKey() {
        TxnResult r = store.apply(when(List.of(
                new Condition.Exists("text"), new Condition.Absent("n"), new Condition.Exists("missing")),
                put("target", 1)));
        assertEquals(TxnStatus.CONDITION_FAILED, r.status());
        assertEquals("condition 1 (absent \"n\") failed: key exists", r.detail());
        assertEquals(2, r.revision());
    }

    @Test
    void failedConditionWritesNothingAndKeepsTheRevision() {
        List<OpResult.Entry> before = store.entries();
        TxnResult r = store.apply(when(List.of(new Condition.Absent("text")), put("text", "bye"), Txns.delete("n")));
        assertEquals(TxnStatus.CONDITION_FAILED, r.status());
        assertEquals(before, store.entries());
        assertEquals(2, store.revision());
    }

    @Test
    void compoundReadAndConditionalWriteReturnsReadsWhenTheConditionFails() {
        TxnResult r = store.apply(when(List.of(new Condition.VersionEquals("n", 1)),
                get("n"), put("n", 8), prefix("te", 10), Txns.increment("other", 1)));
        assertEquals(TxnStatus.CONDITION_FAILED, r.status());
        assertEquals(2, r.results().size(), "only the reads");
        assertEquals(new OpResult.Read("n", new VersionedValue(Value.ofInt(7), 2)), r.results().get(0));
        assertEquals(List.of("text"), Txns.keys(r.results().get(1)));
    }

    @Test
    void compoundReadAndConditionalWriteReturnsEverythingWhenTheConditionHolds() {
        TxnResult r = store.apply(when(List.of(new Condition.VersionEquals("n", 2)), get("n"), put("n", 8)));
        assertEquals(TxnStatus.OK, r.status());
        assertEquals(List.of(
                new OpResult.Read("n", new VersionedValue(Value.ofInt(7), 2)),
                new OpResult.Written("n", new VersionedValue(Value.ofInt(8), 3))), r.results());
    }

    @Test
    void readEvaluatesReadOnlyTransactionsWithoutChangingAnything() {
        Transaction txn = when(List.of(new Condition.Exists("n")), get("n"), prefix("", 10));
        TxnResult local = store.read(txn);
        assertEquals(TxnStatus.OK, local.status());
        assertEquals(store.apply(txn), local, "read gives what apply would");
        assertEquals(2, store.revision());
    }

    @Test
    void readReportsFailedConditionsWithTheReads() {
        TxnResult r = store.read(when(List.of(new Condition.Absent("n")), get("text")));
        assertEquals(TxnStatus.CONDITION_FAILED, r.status());
        assertEquals(1, r.results().size());
    }

    @Test
    void readRejectsTransactionsThatWrite() {
        TxnResult r = store.read(ops(get("n"), put("n", 1)));
        assertEquals(TxnStatus.INVALID, r.status());
        assertTrue(r.detail().contains("op 1 (put \"n\")") && r.detail().contains("may not write"), r.detail());
        assertEquals(Value.ofInt(7), store.get("n").value());
    }

    @Test
    void readRejectsMalformedTransactions() {
        assertEquals(TxnStatus.INVALID, store.read(null).status());
        assertEquals(TxnStatus.INVALID, store.read(ops(get(""))).status());
    }
}
