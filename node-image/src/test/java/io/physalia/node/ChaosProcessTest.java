package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.PhysaliaException;
import io.physalia.client.Response;
import io.physalia.node.local.LocalColony;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seven real node processes on loopback and two 7-member cells under a steady write load, with a
 * seeded chaos loop: each cycle kill -9s one to three nodes (in half the cycles the current
 * proposer of a cell, while its writers keep batches in flight), restarts them, and then reads
 * back every acknowledged write linearizably. A write whose outcome is unknown may be present or
 * absent, but never with another value.
 *
 * <p>CI runs {@value #CI_CYCLES} cycles. The full run is
 * {@code ./mvnw -pl node-image -am test -Dtest='io/physalia/node/ChaosProcessTest' -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.cycles=50 -Dchaos.seed=N}
 * (docs/testing.md); the seed is printed so that a failure's kill schedule can be replayed.
 */
class ChaosProcessTest {
    static final int CI_CYCLES = 3;
    private static final int NODES = 7;
    private static final int MAX_DOWN = 3; // a 7-member cell keeps a quorum of 4
    private static final List<String> CELLS = List.of("chaos-a", "chaos-b");

    private final Map<String, String> acked = new ConcurrentHashMap<>();
    private final Map<String, String> unknown = new ConcurrentHashMap<>();
    private final Map<String, String> leaderOf = new ConcurrentHashMap<>();
    private final AtomicLong failed = new AtomicLong();

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9UnderLoad(@TempDir Path dir) throws Exception {
        int cycles = Integer.getInteger("chaos.cycles", CI_CYCLES);
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.out.println("chaos seed " + seed + ", " + cycles + " cycles");
        SplittableRandom random = new SplittableRandom(seed);
        try (LocalColony colony = new LocalColony(dir, LocalColony.freePorts(NODES))) {
            colony.startAll(line -> { });
            List<String> all = colony.specs().stream().map(LocalColony.NodeSpec::http).toList();
            List<String> members = colony.specs().stream().map(LocalColony.NodeSpec::name).toList();
            PhysaliaClient admin = new PhysaliaClient(all);
            for (String cell : CELLS) {
                Response created = admin.createCell(cell, members);
                assertEquals(201, created.status(), created.body());
            }

            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> writers = IntStream.range(0, 4)
                    .mapToObj(w -> Thread.ofPlatform().name("writer-" + w).start(() -> write(w, all, running)))
                    .toList();
            try {
                awaitAcked(20);
                for (int cycle = 1; cycle <= cycles; cycle++) {
                    long t0 = System.nanoTime();
                    chaosCycle(colony, random, cycle);
                    long t1 = System.nanoTime();
                    verify(admin, cycle);
                    System.out.printf("cycle %d: chaos and restart %.1f s, read back %d writes in %.1f s%n",
                            cycle, (t1 - t0) / 1e9, acked.size(), (System.nanoTime() - t1) / 1e9);
                }
            } finally {
                running.set(false);
                for (Thread t : writers) {
                    t.join();
                }
            }
            verify(admin, cycles + 1);
            System.out.printf("chaos: %d acknowledged, %d unknown outcome, %d failed writes over %d cycles%n",
                    acked.size(), unknown.size(), failed.get(), cycles);
            assertTrue(acked.size() >= 20 * cycles, "the cells kept serving writes through the chaos: " + acked.size());
        }
    }

    /** One writer: its own client (its own client id and sequence), each key written once. */
    private void write(int writer, List<String> nodes, AtomicBoolean running) {
        PhysaliaClient client = new PhysaliaClient(nodes);
        for (long i = 0; running.get(); i++) {
            pause(10); // a steady load, not a flood: every acknowledged write is read back after each cycle
            String cell = CELLS.get((int) (i % CELLS.size()));
            String key = cell + "/w" + writer + "-" + i;
            String value = Long.toString(writer * 1_000_000_000L + i);
            try {
                Response r = client.put(cell, key.substring(cell.length() + 1), "{\"int\":\"" + value + "\"}");
                if (r.status() == 200) {
                    acked.put(key, value);
                    leaderOf.put(cell, r.node());
                } else {
                    failed.incrementAndGet(); // a definite answer that it was not applied
                }
            } catch (PhysaliaException.OutcomeUnknown e) {
                unknown.put(key, value);
            } catch (PhysaliaException e) { // Failed: certainly not applied
                failed.incrementAndGet();
            }
        }
    }

    private void chaosCycle(LocalColony colony, SplittableRandom random, int cycle) throws Exception {
        List<Integer> victims = new ArrayList<>();
        String proposerNote = "";
        if (random.nextBoolean()) {
            // The proposer of a cell, found from the node that answered its last write.
            String cell = CELLS.get(random.nextInt(CELLS.size()));
            int leader = indexOf(colony, leaderOf.get(cell));
            victims.add(leader);
            proposerNote = " (first the proposer of " + cell + ")";
        }
        int down = 1 + random.nextInt(MAX_DOWN);
        while (victims.size() < down) {
            int v = random.nextInt(NODES);
            if (!victims.contains(v)) {
                victims.add(v);
            }
        }
        long before = acked.size();
        for (int v : victims) {
            Thread.sleep(random.nextInt(300));
            colony.kill9(v);
        }
        System.out.println("cycle " + cycle + ": killed " + victims.stream().map(v -> colony.specs().get(v).name()).toList() + proposerNote);
        awaitAcked(before + 10); // the survivors still form a quorum: writes go on
        for (int v : victims) {
            colony.start(v);
        }
        for (int v : victims) {
            colony.awaitReady(v, Duration.ofSeconds(90));
        }
    }

    /** Reads every acknowledged and every unknown-outcome write back, 50 keys per read-only transaction. */
    private void verify(PhysaliaClient reader, int cycle) throws Exception {
        Map<String, String> expected = new TreeMap<>(acked);
        Map<String, String> maybe = new TreeMap<>(unknown);
        List<String> keys = new ArrayList<>(expected.keySet());
        keys.addAll(maybe.keySet());
        Map<String, String> found = readAll(reader, keys);
        for (var e : expected.entrySet()) {
            if (!e.getValue().equals(found.get(e.getKey()))) {
                fail("cycle " + cycle + ": acknowledged write " + e.getKey() + "=" + e.getValue() + " reads back as "
                        + found.get(e.getKey()));
            }
        }
        for (var e : maybe.entrySet()) {
            String now = found.get(e.getKey());
            assertTrue(now == null || now.equals(e.getValue()),
                    "cycle " + cycle + ": a write of unknown outcome " + e.getKey() + "=" + e.getValue() + " reads back as " + now);
        }
    }

    /** cell/key -> the int value read (absent when not found), through linearizable transactions. */
    private static Map<String, String> readAll(PhysaliaClient reader, List<String> cellKeys) throws Exception {
        Map<String, List<String>> byCell = new TreeMap<>();
        for (String ck : cellKeys) {
            int slash = ck.indexOf('/');
            byCell.computeIfAbsent(ck.substring(0, slash), c -> new ArrayList<>()).add(ck.substring(slash + 1));
        }
        Map<String, String> out = new TreeMap<>();
        for (var cell : byCell.entrySet()) {
            List<String> keys = cell.getValue();
            for (int from = 0; from < keys.size(); from += 50) {
                JsonArray ops = new JsonArray();
                keys.subList(from, Math.min(keys.size(), from + 50)).forEach(k -> ops.add(new JsonObject().put("op", "get").put("key", k)));
                Response r = reader.txn(cell.getKey(), new JsonObject().put("ops", ops).encode());
                assertEquals(200, r.status(), r.body());
                JsonArray results = new JsonObject(r.body()).getJsonArray("results");
                for (int i = 0; i < results.size(); i++) {
                    JsonObject res = results.getJsonObject(i);
                    if (res.getBoolean("found")) {
                        out.put(cell.getKey() + "/" + res.getString("key"), res.getJsonObject("value").getString("int"));
                    }
                }
            }
        }
        return out;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitAcked(long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (acked.size() < count) {
            if (System.nanoTime() > deadline) {
                fail("writes stalled at " + acked.size() + " acknowledged (waiting for " + count + "); "
                        + failed.get() + " failed, " + unknown.size() + " unknown");
            }
            Thread.sleep(20);
        }
    }

    private static int indexOf(LocalColony colony, String http) {
        for (int i = 0; i < colony.specs().size(); i++) {
            if (colony.specs().get(i).http().equals(http)) {
                return i;
            }
        }
        throw new AssertionError("no node at " + http);
    }
}
