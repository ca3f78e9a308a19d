package io.physalia.core.kv;

import static io.physalia.core.kv.Txns.ops;
import static io.physalia.core.kv.Txns.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvStoreRestoreTest {

    private static OpResult.Entry entry(String key, long version) {
        return new OpResult.Entry(key, new VersionedValue(Value.ofInt(version), version));
    }

    private static void assertRejected(long revision, List<OpResult.Entry> entries, Limits limits, String... fragments) {
        var e = assertThrows(IllegalArgumentException.class, () -> KvStore.restore(revision, entries, limits));
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @Test
    void restoreOfEntriesRoundTripsAndContinuesTheRevision() {
        KvStore original = new KvStore(Limits.DEFAULT);
        original.apply(ops(put("b", 1), put("\uD83D\uDE00", "x")));
        original.apply(ops(put("a", 2), Txns.increment("c", 3)));
        KvStore copy = KvStore.restore(original.revision(), original.entries(), Limits.DEFAULT);
        assertEquals(original.entries(), copy.entries());
        assertEquals(original.revision(), copy.revision());
        assertEquals(original.size(), copy.size());
        assertEquals(original.approximateBytes(), copy.approximateBytes());
        Transaction next = ops(put("d", 4), Txns.get("a"));
        assertEquals(original.apply(next), copy.apply(next));
    }

    @Test
    void restoreOfNothingIsAFreshStoreAtThatRevision() {
        KvStore store = KvStore.restore(9, List.of(), Limits.DEFAULT);
        assertEquals(9, store.revision());
        assertEquals(0, store.size());
    }

    @Test
    void rejectsNegativeRevision() {
        assertRejected(-1, List.of(), Limits.DEFAULT, "revision -1 is negative");
    }

    @Test
    void rejectsUnsortedEntries() {
        assertRejected(5, List.of(entry("b", 1), entry("a", 1)), Limits.DEFAULT,
                "entry 1 \"a\"", "not strictly after the previous key \"b\"");
    }

    @Test
    void rejectsEntriesSortedInUtf16OrderInsteadOfCodePointOrder() {
        assertRejected(5, List.of(entry("\uD83D\uDE00", 1), entry("\uFF5A", 1)), Limits.DEFAULT, "entry 1", "not strictly after");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertRejected(5, List.of(entry("a", 1), entry("a", 2)), Limits.DEFAULT, "entry 1 \"a\"", "sorted and unique");
    }

    @Test
    void rejectsVersionAboveTheRevision() {
        assertRejected(3, List.of(entry("a", 4)), Limits.DEFAULT, "entry 0 \"a\"", "version 4 is outside 1..3");
    }

    @Test
    void rejectsVersionZero() {
        assertRejected(3, List.of(entry("a", 0)), Limits.DEFAULT, "version 0 is outside 1..3");
    }

    @Test
    void rejectsNullEntryAndNullValue() {
        assertRejected(3, Arrays.asList(entry("a", 1), null), Limits.DEFAULT, "entry 1", "entry is null");
        assertRejected(3, List.of(new OpResult.Entry("a", null)), Limits.DEFAULT, "entry 0 \"a\"", "value is null");
    }

    @Test
    void rejectsKeysAndValuesTheLimitsForbid() {
        assertRejected(3, List.of(entry("", 1)), Limits.DEFAULT, "entry 0", "key is empty");
        assertRejected(3, List.of(entry("a\uD800", 1)), Limits.DEFAULT, "entry 0", "not well-formed UTF-16");
        var big = new OpResult.Entry("a", new VersionedValue(Value.ofBytes(new byte[65_537]), 1));
        assertRejected(3, List.of(big), Limits.DEFAULT, "entry 0 \"a\"", "65537 bytes");
    }

    @Test
    void rejectsMoreKeysOrBytesThanTheCellMayHold() {
        Limits twoKeys = new Limits(1024, 1024, 2, 64, 64, 100, 64, 1 << 20);
        assertRejected(3, List.of(entry("a", 1), entry("b", 1), entry("c", 1)), twoKeys, "3 keys; the limit is 2");
        Limits fewBytes = new Limits(1024, 1024, 100, 64, 64, 100, 64, 3);
        assertRejected(3, List.of(entry("a", 1), entry("b", 1)), fewBytes, "more than 3 bytes", "entry 1");
    }
}
