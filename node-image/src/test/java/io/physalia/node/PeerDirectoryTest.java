package io.physalia.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The directory's replacement rules, and the parsing of {@code PUT /admin/peers} bodies. */
class PeerDirectoryTest {
    private static final NodeConfig.HostPort A = new NodeConfig.HostPort("10.0.0.1", 7600);
    private static final NodeConfig.HostPort B = new NodeConfig.HostPort("10.0.0.2", 7600);

    @Test
    void startsFromTheStaticListColoredByPeerColors() {
        PeerDirectory d = new PeerDirectory(config(Map.of("n1", A, "n2", A, "n3", B), Map.of("n2", "blue", "n3", "green")));
        assertEquals(2, d.size(), "its own entry is skipped");
        assertTrue(d.talksTo("n2"));
        assertFalse(d.talksTo("n3"), "another color: kept, never talked to");
        assertTrue(d.contains("n3"));
        assertFalse(d.talksTo("n9"), "unknown");
    }

    @Test
    void replaceSaysWhatChangedAndARepeatChangesNothing() {
        PeerDirectory d = new PeerDirectory(config(Map.of(), Map.of()));
        PeerDirectory.Change first = d.replace(peers(peer("n3", A, "blue"), peer("n2", A, "blue"), peer("n1", B, "blue")));
        assertEquals(new PeerDirectory.Change(2, List.of("n2", "n3"), List.of(), List.of()), first, "n1 is this node: ignored");
        assertTrue(d.replace(peers(peer("n2", A, "blue"), peer("n3", A, "blue"))).isEmpty(), "idempotent");
        PeerDirectory.Change moved = d.replace(peers(peer("n2", B, "blue"), peer("n4", A, "blue")));
        assertEquals(new PeerDirectory.Change(2, List.of("n4"), List.of("n3"), List.of("n2")), moved);
        PeerDirectory.Change recolored = d.replace(peers(peer("n2", B, "green"), peer("n4", A, "blue")));
        assertEquals(List.of("n2"), recolored.changed());
        assertFalse(d.talksTo("n2"));
        assertEquals(new PeerDirectory.Change(0, List.of(), List.of("n2", "n4"), List.of()), d.replace(Map.of()));
    }

    @Test
    void parseNamesEveryBadEntryAndField() {
        String[][] cases = {
            {"{\"peers\": {\"bad name\": {\"address\": \"h:1\", \"color\": \"blue\"}}}", "peers: 'bad name' is not a node name"},
            {"{\"peers\": {\"n2\": {\"address\": \"h\", \"color\": \"blue\"}}}", "peers.n2.address 'h' is not host:port"},
            {"{\"peers\": {\"n2\": {\"address\": \"h:70000\", \"color\": \"blue\"}}}", "peers.n2.address 'h:70000' is not host:port"},
            {"{\"peers\": {\"n2\": {\"address\": \"a b:1\", \"color\": \"blue\"}}}", "peers.n2.address 'a b:1' is not host:port"},
            {"{\"peers\": {\"n2\": {\"color\": \"blue\"}}}", "peers.n2.address is missing"},
            {"{\"peers\": {\"n2\": {\"address\": \"h:1\"}}}", "peers.n2.color is missing: this node has color 'blue'"},
            {"{\"peers\": {\"n2\": {\"address\": \"h:1\", \"color\": 7}}}", "peers.n2.color 7 must be"},
            {"{\"peers\": {\"n2\": {\"address\": \"h:1\", \"colour\": \"blue\"}}}", "peers.n2 has unknown field 'colour'"},
            {"{\"peers\": {\"n2\": \"h:1\"}}", "peers.n2 must be an object"},
            {"{\"peers\": [\"n2\"]}", "peers must be an object"},
            {"{\"nodes\": {}}", "unknown field 'nodes'"},
        };
        for (String[] c : cases) {
            TxnJson.BadRequest e = assertThrows(TxnJson.BadRequest.class, () -> PeersApi.parse(new JsonObject(c[0]), "n1", "blue"), c[0]);
            assertTrue(e.getMessage().contains(c[1]), "expected '" + c[1] + "' in: " + e.getMessage());
        }
        TxnJson.BadRequest two = assertThrows(TxnJson.BadRequest.class, () -> PeersApi.parse(new JsonObject(
                "{\"peers\": {\"n2\": {\"address\": \"h\"}, \"n3\": {\"address\": \"h:1\"}}}"), "n1", "blue"));
        assertTrue(two.getMessage().contains("peers.n2.address") && two.getMessage().contains("peers.n3.color"), two.getMessage());
    }

    @Test
    void parseTakesGoodEntriesIgnoresItselfAndBoundsTheSize() throws Exception {
        Map<String, PeerDirectory.Peer> got = PeersApi.parse(new JsonObject("{\"peers\": {\"n1\": {\"address\": \"junk\"},"
                + " \"n2\": {\"address\": \"pod-2.physalia.ns.svc:7600\"}, \"n3\": {\"address\": \"[fd00::3]:7600\", \"color\": \"c\"}}}"),
                "n1", null);
        assertEquals(Map.of("n2", new PeerDirectory.Peer("n2", new NodeConfig.HostPort("pod-2.physalia.ns.svc", 7600), null),
                "n3", new PeerDirectory.Peer("n3", new NodeConfig.HostPort("[fd00::3]", 7600), "c")), got,
                "without a color of its own a node needs no peer colors");
        assertEquals("fd00::3", PeerTransport.dialHost("[fd00::3]"));
        JsonObject many = new JsonObject();
        for (int i = 0; i <= PeerDirectory.MAX_PEERS; i++) {
            many.put("p" + i, new JsonObject().put("address", "h:1"));
        }
        TxnJson.BadRequest e = assertThrows(TxnJson.BadRequest.class, () -> PeersApi.parse(new JsonObject().put("peers", many), "n1", null));
        assertTrue(e.getMessage().contains("10001 entries; a node takes at most 10000"), e.getMessage());
        many.remove("p0");
        assertEquals(PeerDirectory.MAX_PEERS, PeersApi.parse(new JsonObject().put("peers", many), "n1", null).size());
    }

    private static PeerDirectory.Peer peer(String name, NodeConfig.HostPort at, String color) {
        return new PeerDirectory.Peer(name, at, color);
    }

    private static Map<String, PeerDirectory.Peer> peers(PeerDirectory.Peer... ps) {
        Map<String, PeerDirectory.Peer> m = new LinkedHashMap<>();
        for (PeerDirectory.Peer p : ps) {
            m.put(p.name(), p);
        }
        return m;
    }

    private static NodeConfig config(Map<String, NodeConfig.HostPort> peers, Map<String, String> colors) {
        return new NodeConfig("n1", Path.of("d"), "127.0.0.1", 1, 2, peers, Path.of("k"), -1,
                Map.of(NodeConfig.COLOR_LABEL, "blue"), colors);
    }
}
