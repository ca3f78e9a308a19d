package io.physalia.core.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feeds long seeded sequences of random transactions, many of them malformed or over the limits,
 * to two stores and checks the properties a replicated state machine relies on: apply never
 * throws, is deterministic, changes nothing unless it returns OK, keeps the store's invariants,
 * and a snapshot restores to an identical store. Reads are checked against a naive model.
 */
class KvStoreRandomizedTest {
    // Tight limits, so that every limit is hit often.
    private static final Limits LIMITS = new Limits(6, 12, 7, 6, 3, 4, 12, 48);
    private static final int STEPS = 6000;

    private static final String[] KEYS = {
        "a", "b", "ab", "abc", "b\u0000", "é", "\uFF5A", "\uD83D\uDE00", "\uD83D\uDE00a", "zz",
        "", "\uD800", "x\uDC00", "too-long-key",
    };

    private final List<String> tokensSeen = new ArrayList<>();
    private Random random;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 20260101})
    void randomTransactionsKeepTheStateMachineContract(long seed) {
        random = new Random(seed);
        KvStore a = new KvStore(LIMITS);
        KvStore b = new KvStore(LIMITS);
        Map<TxnStatus, Integer> statuses = new EnumMap<>(TxnStatus.class);
        for (int step = 0; step < STEPS; step++) {
            Transaction txn = random.nextInt(200) == 0 ? null : randomTransaction(a.revision());
            List<OpResult.Entry> before = a.entries();
            long revisionBefore = a.revision();
            String where = "seed " + seed + " step " + step + ": " + txn;

            TxnResult local = a.read(txn);
            TxnResult ra = applyOrFail(a, txn, where);
            TxnResult rb = applyOrFail(b, txn, where);
            statuses.merge(ra.status(), 1, Integer::sum);

            assertEquals(ra, rb, where);
            assertEquals(a.entries(), b.entries(), where);
            assertEquals(a.revision(), b.revision(), where);
            assertEquals(a.revision(), ra.revision(), where);

            if (ra.status() == TxnStatus.OK) {
                boolean changed = !before.equals(a.entries());
                assertEquals(changed ? revisionBefore + 1 : revisionBefore, a.revision(), where);
                assertEquals(txn.ops().size(), ra.results().size(), where);
            } else {
                assertEquals(before, a.entries(), "a failed transaction changes nothing: " + where);
                assertEquals(revisionBefore, a.revision(), where);
                if (ra.status() != TxnStatus.CONDITION_FAILED) {
                    assertEquals(List.of(), ra.results(), where);
                }
                assertTrue(!ra.detail().isEmpty(), where);
            }
            if (ra.status() == TxnStatus.OK || ra.status() == TxnStatus.CONDITION_FAILED) {
                checkResultsAgainstModel(txn, ra, before, where);
            }
            if (ra.status() != TxnStatus.INVALID) {
                if (txn.isReadOnly()) {
                    assertEquals(ra, local, "a local read gives what apply gives: " + where);
                } else {
                    assertEquals(TxnStatus.INVALID, local.status(), where);
                    assertTrue(local.detail().contains("may not write"), where);
                }
            }
            checkInvariants(a, where);

            if (step % 97 == 0) {
                KvStore restored = KvStore.restore(a.revision(), a.entries(), LIMITS);
                assertEquals(a.entries(), restored.entries(), where);
                assertEquals(a.revision(), restored.revision(), where);
                assertEquals(a.approximateBytes(), restored.approximateBytes(), where);
                b = restored; // the restored copy must keep agreeing from here on
            }
        }
        for (TxnStatus status : TxnStatus.values()) {
            assertTrue(statuses.getOrDefault(status, 0) > 20, "too few " + status + " in " + statuses);
        }
    }

    private static TxnResult applyOrFail(KvStore store, Transaction txn, String where) {
        try {
            return store.apply(txn);
        } catch (RuntimeException e) {
            throw new AssertionError("apply threw at " + where, e);
        }
    }

    private static void checkInvariants(KvStore store, String where) {
        List<OpResult.Entry> entries = store.entries();
        assertEquals(entries.size(), store.size(), where);
        assertTrue(store.size() <= LIMITS.maxKeysPerCell(), where);
        long bytes = 0;
        byte[] previous = null;
        for (OpResult.Entry e : entries) {
            byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
            if (previous != null) {
                assertTrue(Arrays.compareUnsigned(previous, key) < 0, "sorted by UTF-8 bytes: " + where);
            }
            previous = key;
            assertTrue(e.value().version() >= 1 && e.value().version() <= store.revision(), where);
            bytes += key.length + switch (e.value().value()) {
                case Value.Bytes v -> v.length();
                case Value.Int v -> v.value().toByteArray().length;
                case Value.Bool v -> 1;
            };
        }
        assertEquals(bytes, store.approximateBytes(), where);
        assertTrue(bytes <= LIMITS.maxCellBytes(), where);
    }

    /** Gets and scans must read the state before the transaction; writes get the new revision. */
    private static void checkResultsAgainstModel(Transaction txn, TxnResult result, List<OpResult.Entry> before,
                                                 String where) {
        Map<String, VersionedValue> model = new HashMap<>();
        before.forEach(e -> model.put(e.key(), e.value()));
        int r = 0;
        for (Op op : txn.ops()) {
            if (result.status() == TxnStatus.CONDITION_FAILED && op.isWrite()) {
                continue;
            }
            OpResult got = result.results().get(r++);
            switch (op) {
                case Op.Get g -> assertEquals(new OpResult.Read(g.key(), model.get(g.key())), got, where);
                case Op.Scan s -> assertEquals(modelScan(s, before), got, where);
                case Op.Delete d -> assertEquals(new OpResult.Deleted(d.key(), model.containsKey(d.key())), got, where);
                case Op.Put p -> assertEquals(new OpResult.Written(p.key(), new VersionedValue(p.value(), result.revision())),
                        got, where);
                case Op.Increment n -> {
                    VersionedValue old = model.get(n.key());
                    BigInteger base = old == null ? BigInteger.ZERO : ((Value.Int) old.value()).value();
                    assertEquals(new OpResult.Written(n.key(), new VersionedValue(Value.ofInt(base.add(n.delta())),
                            result.revision())), got, where);
                }
            }
        }
        assertEquals(r, result.results().size(), where);
    }

    /** A scan computed the slow way, with UTF-8 byte comparisons, from the sorted entries. */
    private static OpResult.ScanPage modelScan(Op.Scan s, List<OpResult.Entry> sorted) {
        byte[] after = s.pageToken() == null ? null : utf8(PageToken.decode(s.pageToken()).orElseThrow());
        List<OpResult.Entry> matching = new ArrayList<>();
        for (OpResult.Entry e : sorted) {
            byte[] key = utf8(e.key());
            boolean in = s.prefix() != null
                    ? e.key().startsWith(s.prefix())
                    : (s.startInclusive() == null || Arrays.compareUnsigned(key, utf8(s.startInclusive())) >= 0)
                            && (s.endExclusive() == null || Arrays.compareUnsigned(key, utf8(s.endExclusive())) < 0);
            if (in && (after == null || Arrays.compareUnsigned(key, after) > 0)) {
                matching.add(e);
            }
        }
        if (matching.size() <= s.pageSize()) {
            return new OpResult.ScanPage(matching, null);
        }
        List<OpResult.Entry> page = matching.subList(0, s.pageSize());
        return new OpResult.ScanPage(page, PageToken.encode(page.getLast().key()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- generators ----

    private Transaction randomTransaction(long revision) {
        List<Condition> conditions = new ArrayList<>();
        int conditionCount = random.nextInt(40) == 0 ? 4 : random.nextInt(3);
        for (int i = 0; i < conditionCount; i++) {
            conditions.add(randomCondition(revision));
        }
        List<Op> ops = new ArrayList<>();
        // Occasionally over the op limit; occasionally no ops (condition-only, or empty if no conditions).
        int opCount = random.nextInt(40) == 0 ? 7 : random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(4);
        for (int i = 0; i < opCount; i++) {
            ops.add(randomOp());
        }
        return new Transaction(conditions, ops);
    }

    private String randomKey() {
        if (random.nextInt(100) == 0) {
            return null;
        }
        // Mostly well-formed keys, so that enough transactions get past validation.
        return random.nextInt(30) == 0 ? KEYS[random.nextInt(KEYS.length)] : KEYS[random.nextInt(10)];
    }

    private Value randomValue() {
        return switch (random.nextInt(4)) {
            case 0 -> random.nextInt(60) == 0 ? null : Value.ofInt(randomInteger());
            case 1 -> Value.ofBool(random.nextBoolean());
            default -> {
                byte[] bytes = new byte[random.nextInt(random.nextInt(8) == 0 ? 14 : 4)];
                random.nextBytes(bytes);
                yield Value.ofBytes(bytes);
            }
        };
    }

    private BigInteger randomInteger() {
        BigInteger magnitude = new BigInteger(random.nextInt(14), random);
        return random.nextBoolean() ? magnitude : magnitude.negate();
    }

    private Condition randomCondition(long revision) {
        String key = randomKey();
        return switch (random.nextInt(4)) {
            case 0 -> new Condition.Exists(key);
            case 1 -> new Condition.Absent(key);
            case 2 -> new Condition.ValueEquals(key, randomValue());
            default -> new Condition.VersionEquals(key, Math.max(-1, revision - random.nextInt(4)));
        };
    }

    private Op randomOp() {
        return switch (random.nextInt(9)) {
            case 0, 1 -> new Op.Get(randomKey());
            case 2, 3 -> new Op.Put(randomKey(), randomValue());
            case 4 -> new Op.Delete(randomKey());
            case 5, 6 -> new Op.Increment(randomKey(), random.nextInt(80) == 0 ? null : randomInteger());
            default -> randomScan();
        };
    }

    private Op.Scan randomScan() {
        String[] bounds = {null, null, "", "a", "ab", "b", "\uFF5A", "\uD83D\uDE00", "\uD800", "longer-than-six"};
        String prefix = null;
        String start = null;
        String end = null;
        switch (random.nextInt(7)) {
            case 0, 1 -> prefix = bounds[random.nextInt(bounds.length)];
            case 2, 3 -> {
                start = bounds[random.nextInt(bounds.length)];
                end = bounds[random.nextInt(bounds.length)];
            }
            case 4 -> {
                prefix = bounds[random.nextInt(bounds.length)];
                end = bounds[random.nextInt(bounds.length)];
            }
            default -> { }
        }
        String token = switch (random.nextInt(6)) {
            case 0 -> PageToken.encode(KEYS[random.nextInt(KEYS.length)]);
            case 1 -> tokensSeen.isEmpty() ? null : tokensSeen.get(random.nextInt(tokensSeen.size()));
            case 2 -> random.nextInt(5) == 0 ? "k1.%%%" : null;
            default -> null;
        };
        int pageSize = random.nextInt(20) == 0 ? random.nextInt(3) - 1 + (random.nextBoolean() ? 0 : 5) : 1 + random.nextInt(4);
        Op.Scan scan = new Op.Scan(prefix, start, end, token, pageSize);
        rememberTokenFrom(scan);
        return scan;
    }

    /** Keeps real continuation tokens around, so later scans resume from them. */
    private void rememberTokenFrom(Op.Scan scan) {
        KvStore probe = new KvStore(LIMITS);
        for (String key : new String[] {"a", "ab", "b", "\uFF5A", "\uD83D\uDE00"}) {
            probe.apply(new Transaction(List.of(), List.of(new Op.Put(key, Value.ofBool(true)))));
        }
        TxnResult r = probe.apply(new Transaction(List.of(), List.of(scan)));
        if (r.status() == TxnStatus.OK) {
            String token = ((OpResult.ScanPage) r.results().getFirst()).nextPageToken();
            if (token != null && tokensSeen.size() < 50) {
                tokensSeen.add(token);
            }
        }
    }
}
