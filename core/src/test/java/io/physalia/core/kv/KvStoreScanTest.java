package io.physalia.core.kv;

import static io.physalia.core.kv.Txns.continuing;
import static io.physalia.core.kv.Txns.delete;
import static io.physalia.core.kv.Txns.keys;
import static io.physalia.core.kv.Txns.ops;
import static io.physalia.core.kv.Txns.prefix;
import static io.physalia.core.kv.Txns.put;
import static io.physalia.core.kv.Txns.range;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KvStoreScanTest {
    private final KvStore store = new KvStore(Limits.DEFAULT);

    private void putAll(String... keys) {
        for (String key : keys) {
            assertEquals(TxnStatus.OK, store.apply(ops(put(key, 1))).status());
        }
    }

    private OpResult.ScanPage scan(Op.Scan scan) {
        TxnResult r = store.apply(ops(scan));
        assertEquals(TxnStatus.OK, r.status(), r.detail());
        return (OpResult.ScanPage) r.results().getFirst();
    }

    @Test
    void scanOfAnEmptyStoreIsOneEmptyPage() {
        OpResult.ScanPage page = scan(prefix("", 10));
        assertEquals(List.of(), page.entries());
        assertNull(page.nextPageToken());
    }

    @Test
    void prefixScanReturnsExactlyThePrefixInKeyOrder() {
        putAll("p/b", "p", "p/a", "q", "o", "p/", "p0");
        assertEquals(List.of("p/", "p/a", "p/b"), keys(scan(prefix("p/", 10))));
    }

    @Test
    void rangeScanIsHalfOpen() {
        putAll("a", "b", "c", "d");
        assertEquals(List.of("b", "c"), keys(scan(range("b", "d", 10))));
        assertEquals(List.of("a", "b"), keys(scan(range(null, "c", 10))));
        assertEquals(List.of("c", "d"), keys(scan(range("bb", null, 10))));
        assertEquals(List.of("a", "b", "c", "d"), keys(scan(range(null, null, 10))));
    }

    @Test
    void scanOrderIsCodePointOrderNotUtf16Order() {
        String fullwidthZ = "k\uFF5A";       // U+FF5A
        String grinning = "k\uD83D\uDE00";   // U+1F600, sorts first in UTF-16
        putAll(grinning, fullwidthZ);
        assertEquals(List.of(fullwidthZ, grinning), keys(scan(prefix("k", 10))));
        assertEquals(List.of(fullwidthZ), keys(scan(range("k", "k\uFFFF", 10))));
        assertEquals(List.of(fullwidthZ, grinning), store.entries().stream().map(OpResult.Entry::key).toList());
    }

    @Test
    void prefixEndingInASupplementaryCharacterMatchesOnlyThatCharacter() {
        putAll("\uD83D\uDE00a", "\uD83D\uDE01a", "\uD83D\uDE00");
        assertEquals(List.of("\uD83D\uDE00", "\uD83D\uDE00a"), keys(scan(prefix("\uD83D\uDE00", 10))));
    }

    @Test
    void nextPageTokenIsSetExactlyWhenMoreEntriesRemain() {
        putAll("p1", "p2", "p3", "p4", "q");
        OpResult.ScanPage first = scan(prefix("p", 2));
        assertEquals(List.of("p1", "p2"), keys(first));
        assertNotNull(first.nextPageToken());
        OpResult.ScanPage second = scan(continuing(prefix("p", 2), first.nextPageToken()));
        assertEquals(List.of("p3", "p4"), keys(second));
        assertNull(second.nextPageToken(), "a full last page has no next token");
    }

    @Test
    void rangeScanPagesUntilTheEnd() {
        putAll("a", "b", "c", "d", "e");
        Op.Scan scan = range("b", "e", 2);
        OpResult.ScanPage first = scan(scan);
        OpResult.ScanPage second = scan(continuing(scan, first.nextPageToken()));
        assertEquals(List.of("b", "c"), keys(first));
        assertEquals(List.of("d"), keys(second));
        assertNull(second.nextPageToken());
    }

    @Test
    void tokenContinuesStrictlyAfterItsKeyEvenWhenThatKeyIsGone() {
        putAll("a", "b", "c");
        OpResult.ScanPage first = scan(prefix("", 1));
        assertEquals(List.of("a"), keys(first));
        store.apply(ops(delete("a")));
        assertEquals(List.of("b"), keys(scan(continuing(prefix("", 1), first.nextPageToken()))));
    }

    @Test
    void scanEntriesCarryValuesAndVersions() {
        putAll("a");
        OpResult.ScanPage page = scan(prefix("a", 5));
        assertEquals(List.of(new OpResult.Entry("a", new VersionedValue(Value.ofInt(1), 1))), page.entries());
    }

    /**
     * Pages through 2,500 keys while the data changes between pages. Every key that exists for
     * the whole scan must be returned exactly once, in order; deleted keys the cursor has not
     * reached must not be.
     */
    @Test
    void pagingThroughALargePrefixSurvivesDeletesAndInsertsBetweenPages() {
        List<String> inPrefix = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            inPrefix.add(String.format("user/%05d", i));
        }
        for (int from = 0; from < inPrefix.size(); from += 50) {
            List<Op> batch = new ArrayList<>();
            for (String key : inPrefix.subList(from, from + 50)) {
                batch.add(put(key, 1));
            }
            assertEquals(TxnStatus.OK, store.apply(new Transaction(List.of(), batch)).status());
        }
        putAll("user", "usera", "user.", "zzz");

        TreeSet<String> deletedAhead = new TreeSet<>(KeyOrder.CODE_POINT);
        TreeSet<String> untouched = new TreeSet<>(KeyOrder.CODE_POINT);
        untouched.addAll(inPrefix);
        List<String> seen = new ArrayList<>();
        Op.Scan scan = prefix("user/", 97);
        String token = null;
        int pages = 0;
        do {
            OpResult.ScanPage page = scan(continuing(scan, token));
            seen.addAll(keys(page));
            token = page.nextPageToken();
            pages++;
            if (token != null) {
                String last = page.entries().getLast().key();
                int next = inPrefix.indexOf(last) + 1;
                // Delete the cursor key itself and two keys ahead of it; insert one behind it.
                List<String> doomed = new ArrayList<>(List.of(last));
                for (int ahead : new int[] {next + 3, next + 40}) {
                    if (ahead < inPrefix.size() && untouched.contains(inPrefix.get(ahead))) {
                        doomed.add(inPrefix.get(ahead));
                    }
                }
                List<Op> change = new ArrayList<>();
                for (String key : doomed) {
                    change.add(delete(key));
                }
                change.add(put("user/00000-behind-" + pages, 2));
                assertEquals(TxnStatus.OK, store.apply(new Transaction(List.of(), change)).status());
                untouched.removeAll(doomed);
                deletedAhead.addAll(doomed.subList(1, doomed.size()));
            }
        } while (token != null);

        assertTrue(pages > 20, "paged " + pages + " times");
        assertEquals(seen.size(), new TreeSet<>(seen).size(), "no key twice");
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(KeyOrder.CODE_POINT);
        assertEquals(sorted, seen, "in key order");
        assertTrue(seen.containsAll(untouched), "every key present throughout was returned");
        for (String key : deletedAhead) {
            assertTrue(!seen.contains(key), key + " was deleted before the cursor reached it");
        }
        assertTrue(seen.stream().allMatch(k -> k.startsWith("user/")));
        assertTrue(seen.stream().noneMatch(k -> k.contains("-behind-")), "inserts behind the cursor stay behind");
    }
}
