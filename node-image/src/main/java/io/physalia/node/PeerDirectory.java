package io.physalia.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nodes this node knows as peers: name, peer address and color. It starts from the static
 * {@code --peers} list (often empty) and is replaced as a whole by the control plane
 * ({@code PUT /admin/peers}), which knows which nodes share cells with this one.
 *
 * <p>Read on every event loop (every frame and ping checks its sender, every replica step asks
 * for liveness), written rarely: the content is an immutable map behind a volatile reference,
 * so readers never lock and always see one whole directory, never half of an update. Writers
 * are serialized by the monitor so that each update's difference is computed against the
 * directory it replaces.
 *
 * <p>Nothing here is persisted: a restarted node knows only its {@code --peers} list until the
 * control plane pushes the directory again.
 */
final class PeerDirectory {
    /** The most peers a directory may hold: a node shares cells with far fewer nodes than this. */
    static final int MAX_PEERS = 10_000;

    /**
     * One peer.
     *
     * @param color its {@code physalia.io/color}, or null when not known (then a node with a
     *              color never talks to it)
     */
    record Peer(String name, NodeConfig.HostPort address, String color) {
        Peer {
            java.util.Objects.requireNonNull(name, "name");
            java.util.Objects.requireNonNull(address, "address");
        }
    }

    /** What a replacement did, each list in name order. */
    record Change(int peers, List<String> added, List<String> removed, List<String> changed) {
        boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }
    }

    private final String self;
    private final String color;
    private volatile Map<String, Peer> peers;

    /** The directory a node starts with: its {@code --peers}, colored by {@code --peer-colors}. */
    PeerDirectory(NodeConfig config) {
        this.self = config.name();
        this.color = config.color();
        Map<String, Peer> initial = new LinkedHashMap<>();
        config.peers().forEach((name, address) -> {
            if (!name.equals(self)) {
                initial.put(name, new Peer(name, address, config.peerColors().get(name)));
            }
        });
        this.peers = Map.copyOf(initial);
    }

    /** The whole directory at this moment (immutable). */
    Map<String, Peer> snapshot() {
        return peers;
    }

    int size() {
        return peers.size();
    }

    boolean contains(String name) {
        return peers.containsKey(name);
    }

    /** The peer's entry, or null if it is not in the directory. */
    Peer get(String name) {
        return peers.get(name);
    }

    /**
     * Whether this node exchanges frames with {@code name}: it must be in the directory and, when
     * this node has a color, be known to have the same one (nodes of different colors never talk).
     */
    boolean talksTo(String name) {
        Peer p = peers.get(name);
        return p != null && talksTo(p);
    }

    /** Whether this node exchanges frames with the peer of this entry (its color allows it). */
    boolean talksTo(Peer p) {
        return color == null || color.equals(p.color());
    }

    /**
     * Makes {@code next} the directory, exactly (an entry for this node itself is skipped), and
     * says what changed. Giving the same directory again changes nothing.
     */
    synchronized Change replace(Map<String, Peer> next) {
        if (next.size() > MAX_PEERS + 1) { // callers validate; this guards the bound for every caller
            throw new IllegalArgumentException("a directory holds at most " + MAX_PEERS + " peers, not " + next.size());
        }
        Map<String, Peer> before = peers;
        Map<String, Peer> after = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        for (Peer p : new TreeMap<>(next).values()) {
            if (p.name().equals(self)) {
                continue;
            }
            after.put(p.name(), p);
            Peer old = before.get(p.name());
            if (old == null) {
                added.add(p.name());
            } else if (!old.equals(p)) {
                changed.add(p.name());
            }
        }
        if (after.size() > MAX_PEERS) {
            throw new IllegalArgumentException("a directory holds at most " + MAX_PEERS + " peers, not " + after.size());
        }
        List<String> removed = new ArrayList<>(new TreeMap<>(before).keySet());
        removed.removeIf(after::containsKey);
        peers = Map.copyOf(after);
        return new Change(after.size(), List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
    }
}
