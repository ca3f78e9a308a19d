package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.PhysaliaException;
import io.physalia.client.Response;
import io.physalia.core.wire.DecodeResult.Reason;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes whose every peer link runs through a {@link TamperingProxy}. While a client writes
 * to a three-member cell, the proxies tamper with one frame at a time: flip a bit, replay a frame
 * of the same connection, replay one recorded on an earlier connection, cut one short. Each must
 * be rejected and counted (with the expected reason where there is one) by the node it was sent
 * to; afterwards the cell still makes progress, every acknowledged write reads back exactly on
 * every replica, and the replicas agree.
 *
 * <p>{@code -Dphysalia.tamper.rounds=N} repeats the tampering schedule N times (default 1).
 */
class WireTamperingTest {
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

    private record Step(TamperingProxy.Tamper tamper, int from, int to) {}

    @Test
    void tamperedFramesAreRejectedCountedAndHarmless(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("colony.key");
        KeyFile.generate(key);
        String token = KeyFile.load(key).adminToken();
        try (LoopbackColony colony = new LoopbackColony(dir, List.of(key, key, key), true, "tamper", null)) {
            colony.awaitAllAlive(Duration.ofSeconds(20));
            PhysaliaClient client = new PhysaliaClient(colony.http);
            assertEquals(201, client.createCell("t", colony.names()).status());

            Map<String, String> acked = new ConcurrentHashMap<>();
            Map<String, String> uncertain = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().name("tamper-writer").start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String value = "{\"int\":\"" + i + "\"}";
                    try {
                        Response r = client.put("t", "k" + i, value);
                        if (r.status() == 200) {
                            acked.put("k" + i, value);
                        }
                    } catch (PhysaliaException e) {
                        uncertain.put("k" + i, value); // may or may not have applied; never anything else
                    }
                }
            });

            int rounds = Integer.getInteger("physalia.tamper.rounds", 1);
            long tampered = 0;
            for (Step step : schedule(rounds)) {
                runStep(colony, step);
                tampered++;
            }
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(60));
            long rejected = 0;
            for (Node n : colony.nodes) {
                rejected += n.transport().rejectedTotal();
            }
            assertTrue(rejected >= tampered, rejected + " rejections for " + tampered + " tampered frames");
            for (int node = 0; node < 3; node++) {
                System.out.println(LoopbackColony.name(node) + " rejected " + colony.nodes.get(node).transport().rejections());
            }
            System.out.printf("tampered with %d frames; %d writes acknowledged meanwhile, %d uncertain%n",
                    tampered, acked.size(), uncertain.size());
            long proxied = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    proxied += i == j ? 0 : colony.proxy(i, j).tampered.get();
                }
            }
            assertEquals(tampered, proxied);

            // The proxies now only forward: the cell makes progress. A rejected frame closes its
            // connection, and frames to that peer are dropped until it is redialled (250 ms); an
            // idle cell sends nothing more, so a follower that missed the last writes' outcome
            // would stay behind until the next write. Wait until every link carries pings again.
            colony.awaitAllAlive(Duration.ofSeconds(20));
            for (int i = 0; i < 20; i++) {
                Response r = client.put("t", "after" + i, "{\"bool\":true}");
                assertEquals(200, r.status(), r.body());
                acked.put("after" + i, "{\"bool\":true}");
            }
            assertTrue(acked.size() > 20, "writes went through while frames were tampered with: " + acked.size());

            long applied = awaitReplicasAgree(colony, token);
            for (int node = 0; node < 3; node++) {
                for (Map.Entry<String, String> e : acked.entrySet()) {
                    assertEquals(e.getValue(), readValue(colony, node, e.getKey(), applied), e.getKey() + " on " + LoopbackColony.name(node));
                }
                for (Map.Entry<String, String> e : uncertain.entrySet()) {
                    String v = readValue(colony, node, e.getKey(), applied);
                    assertTrue(v == null || v.equals(e.getValue()), e.getKey() + " on " + LoopbackColony.name(node) + ": " + v);
                }
                Scrape s = colony.scrape(node);
                assertEquals(0.0, s.sum("physalia_cells_stopped_total", Map.of()), "no replica stopped by an invariant");
                double counted = s.sum("physalia_frames_rejected_total", Map.of("node", LoopbackColony.name(node)));
                assertEquals(colony.nodes.get(node).transport().rejectedTotal(), counted, 0.0, "/metrics shows the rejections");
            }
            double replayed = 0;
            double wrongSession = 0;
            for (int node = 0; node < 3; node++) {
                Scrape s = colony.scrape(node);
                replayed += s.sum("physalia_frames_rejected_total", Map.of("reason", "REPLAYED"));
                wrongSession += s.sum("physalia_frames_rejected_total", Map.of("reason", "WRONG_SESSION"));
            }
            assertTrue(replayed >= 3 * rounds && wrongSession >= 3 * rounds, "REPLAYED " + replayed + ", WRONG_SESSION " + wrongSession);
        }
    }

    /** Every kind of tampering, spread over all six directed links. */
    private static List<Step> schedule(int rounds) {
        List<TamperingProxy.Tamper> kinds = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 3; i++) {
                kinds.add(TamperingProxy.Tamper.FLIP_BIT);
                kinds.add(TamperingProxy.Tamper.REPLAY_SAME_CONNECTION);
                kinds.add(TamperingProxy.Tamper.FLIP_BIT);
                kinds.add(TamperingProxy.Tamper.REPLAY_OLD_CONNECTION);
                kinds.add(TamperingProxy.Tamper.FLIP_BIT);
                kinds.add(TamperingProxy.Tamper.TRUNCATE);
            }
        }
        int[][] links = {{0, 1}, {1, 0}, {0, 2}, {2, 0}, {1, 2}, {2, 1}};
        List<Step> steps = new ArrayList<>();
        int[] seen = new int[TamperingProxy.Tamper.values().length];
        for (TamperingProxy.Tamper t : kinds) {
            int[] link = links[(seen[t.ordinal()]++ + t.ordinal()) % links.length]; // each kind moves round the links
            steps.add(new Step(t, link[0], link[1]));
        }
        return steps;
    }

    /** Tampers with one frame on one link and waits until its receiver has counted the rejection. */
    private static void runStep(LoopbackColony colony, Step step) throws Exception {
        TamperingProxy proxy = colony.proxy(step.from(), step.to());
        PeerTransport receiver = colony.nodes.get(step.to()).transport();
        if (step.tamper() == TamperingProxy.Tamper.REPLAY_OLD_CONNECTION) {
            proxy.resetConnections(); // so there is an earlier connection whose frame can be replayed
            LoopbackColony.await(STEP_TIMEOUT, "a closed connection on " + step, proxy::hasRecordedClosedConnection);
        }
        Map<Reason, Long> before = receiver.rejections();
        long totalBefore = before.values().stream().mapToLong(Long::longValue).sum();
        proxy.arm(step.tamper()).get(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Reason expected = switch (step.tamper()) {
            case REPLAY_SAME_CONNECTION -> Reason.REPLAYED;
            case REPLAY_OLD_CONNECTION -> Reason.WRONG_SESSION;
            case TRUNCATE -> Reason.TRUNCATED;
            case FLIP_BIT -> null; // BAD_HMAC mostly; a flipped header field has its own reason
        };
        LoopbackColony.await(STEP_TIMEOUT, step + " rejected and counted (" + expected + ")", () -> {
            Map<Reason, Long> now = receiver.rejections();
            if (expected != null) {
                return now.get(expected) > before.get(expected);
            }
            return now.values().stream().mapToLong(Long::longValue).sum() > totalBefore;
        });
    }

    /** Waits until the three replicas have applied the same prefix, and returns its length. */
    private static long awaitReplicasAgree(LoopbackColony colony, String token) throws Exception {
        long[] applied = new long[3];
        LoopbackColony.await(Duration.ofSeconds(30), "the replicas to apply the same prefix", () -> {
            try {
                for (int node = 0; node < 3; node++) {
                    HttpResponse<String> r = colony.send(node, "GET", "/admin/cells/t", null, token);
                    applied[node] = new JsonObject(r.body()).getLong("appliedUpTo");
                }
            } catch (Exception e) {
                return false;
            }
            return applied[0] == applied[1] && applied[1] == applied[2];
        });
        return applied[0];
    }

    /** The value JSON of {@code key} on one replica (an eventual read there, at least {@code minSlot}), or null. */
    private static String readValue(LoopbackColony colony, int node, String key, long minSlot) throws Exception {
        HttpResponse<String> r = colony.send(node, "GET", "/cells/t/keys/" + key + "?consistency=eventual&minSlot=" + minSlot, null, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = new JsonObject(r.body());
        return o.getBoolean("found") ? o.getJsonObject("value").encode() : null;
    }
}
