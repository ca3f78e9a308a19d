package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.client.PhysaliaClient;
import io.physalia.client.PhysaliaException;
import io.physalia.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotating the colony key on three real nodes while a client writes: each node reads its own
 * Secret-style mount ({@link SecretMount}), updated by symlink swap. Add the new key everywhere,
 * switch signing node by node (so for a while nodes sign with different keys), then remove the
 * old key. No write may fail, no frame or ping may be rejected, and the admin routes accept
 * either key's token while both are listed.
 */
class KeyRotationTest {
    private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(15);

    @Test
    void rotationDropsNoValidMessage(@TempDir Path dir) throws Exception {
        String oldKey = SecretMount.randomKey();
        String newKey = SecretMount.randomKey();
        List<SecretMount> mounts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mounts.add(new SecretMount(dir.resolve("secret-" + LoopbackColony.name(i)), "signing=1\nkey.1=" + oldKey + "\n"));
        }
        try (LoopbackColony colony = new LoopbackColony(dir, mounts.stream().map(SecretMount::file).toList(), false,
                "rotation", null)) {
            colony.awaitAllAlive(Duration.ofSeconds(20));
            String oldToken = colony.nodes.get(0).keys().adminToken();
            PhysaliaClient client = new PhysaliaClient(colony.http);
            assertEquals(201, client.createCell("r", colony.names()).status());

            Map<String, String> acked = new ConcurrentHashMap<>();
            List<String> failures = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = Thread.ofPlatform().name("rotation-writer").start(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        Response r = client.put("r", "k" + i, "{\"int\":\"" + i + "\"}");
                        if (r.status() == 200) {
                            acked.put("k" + i, "\"int\":\"" + i + "\"");
                        } else {
                            synchronized (failures) {
                                failures.add("k" + i + ": " + r.status() + " " + r.body());
                            }
                        }
                    } catch (PhysaliaException e) {
                        synchronized (failures) {
                            failures.add("k" + i + ": " + e);
                        }
                    }
                }
            });

            // 1. every node learns the new key; all still sign with the old one
            for (SecretMount m : mounts) {
                m.update("signing=1\nkey.1=" + oldKey + "\nkey.2=" + newKey + "\n");
            }
            for (Node n : colony.nodes) {
                awaitKeys(n, Set.of(1, 2), 1);
                assertEquals(0L, n.transport().acceptedByKey().getOrDefault(2, 0L), "nobody signs with the new key yet");
            }
            // 2. one node at a time signs with the new key: mixed signers, everyone verifies both
            for (int i = 0; i < 3; i++) {
                int writesBefore = acked.size();
                mounts.get(i).update("signing=2\nkey.1=" + oldKey + "\nkey.2=" + newKey + "\n");
                awaitKeys(colony.nodes.get(i), Set.of(1, 2), 2);
                if (i == 0) {
                    for (int other = 1; other < 3; other++) {
                        PeerTransport t = colony.nodes.get(other).transport();
                        LoopbackColony.await(RELOAD_TIMEOUT, LoopbackColony.name(other) + " to receive frames signed with the new key",
                                () -> t.acceptedByKey().getOrDefault(2, 0L) > 0);
                    }
                }
                LoopbackColony.await(RELOAD_TIMEOUT, "writes after " + LoopbackColony.name(i) + " switched",
                        () -> acked.size() > writesBefore + 5);
                for (int node = 0; node < 3; node++) {
                    String newToken = colony.nodes.get(i).keys().adminToken();
                    assertEquals(200, colony.send(node, "GET", "/admin/cells/r", null, oldToken).statusCode());
                    assertEquals(200, colony.send(node, "GET", "/admin/cells/r", null, newToken).statusCode());
                }
            }
            Thread.sleep(PeerTransport.PING_EVERY_MILLIS * 3); // nothing signed with the old key is still on its way
            List<Map<Integer, Long>> beforeRemoval = new ArrayList<>();
            for (Node n : colony.nodes) {
                beforeRemoval.add(n.transport().acceptedByKey());
            }
            // 3. the old key goes
            for (SecretMount m : mounts) {
                m.update("signing=2\nkey.2=" + newKey + "\n");
            }
            for (Node n : colony.nodes) {
                awaitKeys(n, Set.of(2), 2);
            }
            int writesBefore = acked.size();
            LoopbackColony.await(RELOAD_TIMEOUT, "writes after the old key is gone", () -> acked.size() > writesBefore + 5);
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(60));

            synchronized (failures) {
                assertEquals(List.of(), failures, "writes that failed during the rotation");
            }
            for (int node = 0; node < 3; node++) {
                Node n = colony.nodes.get(node);
                Map<Integer, Long> after = n.transport().acceptedByKey();
                assertEquals(beforeRemoval.get(node).get(1), after.get(1), "no frame signed with the old key once all switched");
                assertTrue(after.get(2) > beforeRemoval.get(node).get(2), "frames signed with the new key keep coming");
                assertEquals(0, n.transport().rejectedTotal(), LoopbackColony.name(node) + " rejected " + n.transport().rejections());
                assertEquals(2, n.transport().alivePeers(n.nowMillis()), "pings flow under the new key");
                assertEquals(401, colony.send(node, "GET", "/admin/cells/r", null, oldToken).statusCode(), "old token refused");
                Scrape s = colony.scrape(node);
                assertEquals(3.0, s.sum("physalia_key_file_reloads_total", Map.of("result", "applied")),
                        "three changes of the file, each applied once");
                assertEquals(2.0, s.sum("physalia_keyring_signing_key_id", Map.of()));
                assertEquals(1.0, s.sum("physalia_keyring_keys", Map.of()));
            }
            for (Map.Entry<String, String> e : acked.entrySet()) {
                Response r = client.get("r", e.getKey(), "linearizable");
                assertTrue(r.body().contains(e.getValue()), e.getKey() + ": " + r.body());
            }
            System.out.println("rotation: " + acked.size() + " writes acknowledged, none failed, no frame rejected");
        }
    }

    private static void awaitKeys(Node n, Set<Integer> ids, int signing) throws InterruptedException {
        LoopbackColony.await(RELOAD_TIMEOUT, n.config().name() + " to use keys " + ids + " signing with " + signing,
                () -> n.keys().keyring().keyIds().equals(ids) && n.keys().keyring().signingKeyId() == signing);
    }
}
