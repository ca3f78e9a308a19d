package io.physalia.simworld.cell;

import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.driver.Durability;
import io.physalia.core.driver.Outbox;
import io.physalia.core.driver.PeerLiveness;
import io.physalia.core.driver.ReplicaDriver;
import io.physalia.core.driver.Timers;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.Reply;
import io.physalia.core.wire.DecodeResult;
import io.physalia.core.wire.Keyring;
import io.physalia.core.wire.WireCodec;
import io.physalia.simworld.SimClock;
import io.physalia.simworld.SimRandom;
import io.physalia.simworld.SimScheduler;
import io.physalia.simworld.Timer;
import io.physalia.simworld.disk.SimDisk;
import io.physalia.simworld.disk.Stored;
import io.physalia.simworld.net.Delivery;
import io.physalia.simworld.net.SimNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A simulated node: one clock, one disk shared by all its replicas, per-peer liveness from
 * pings ({@link PeerLiveness}), and each replica driven by the {@link ReplicaDriver} a real node
 * uses, with this node's disk, network and clock as its ports: persist, and only when the
 * records are durable release messages and replies, in step order.
 */
public final class SimNode {
    static final long PING_EVERY_MILLIS = 50;
    static final long PEER_DEAD_AFTER_MILLIS = 200;

    private final String name;
    private final SimScheduler scheduler;
    private final SimNetwork<Packet> network;
    private final SimClock clock;
    private final SimDisk<CellRecord> disk;
    private final ReplicaConfig config;
    private final CellInvariants observer;
    private final SimRandom random;
    private final Consumer<String> onViolation;
    private final TreeMap<String, Replica> replicas = new TreeMap<>();
    private final Map<String, Hosted> hosted = new HashMap<>();
    private final PeerLiveness liveness = new PeerLiveness(PING_EVERY_MILLIS, PEER_DEAD_AFTER_MILLIS, new HashMap<>());
    private final TreeMap<String, Integer> refusedCells = new TreeMap<>();
    private final java.util.Set<String> dropped = new java.util.HashSet<>(); // records deleted, as a node would
    private final java.util.Set<Integer> truncatedTail = new java.util.HashSet<>(); // torn records cut off at reboot
    private boolean up = true;
    private WireCodec codec;             // null: messages travel as objects
    private double corruptProbability;   // chance a received frame has one bit flipped
    private long framesCorrupted;
    private Timer pingTimer;

    SimNode(String name, SimScheduler scheduler, SimNetwork<Packet> network, SimClock clock, SimDisk<CellRecord> disk,
            ReplicaConfig config, CellInvariants observer, SimRandom random, Consumer<String> onViolation) {
        this.name = name;
        this.scheduler = scheduler;
        this.network = network;
        this.clock = clock;
        this.disk = disk;
        this.config = config;
        this.observer = observer;
        this.random = random;
        this.onViolation = onViolation;
        network.register(name, this::onPacket);
        schedulePings();
    }

    public String name() {
        return name;
    }

    public SimClock clock() {
        return clock;
    }

    public SimDisk<CellRecord> disk() {
        return disk;
    }

    public boolean isUp() {
        return up;
    }

    public Replica replica(String cell) {
        return replicas.get(cell);
    }

    public Map<String, Replica> replicas() {
        return replicas;
    }

    /** Cells whose durable records were damaged: this node refuses to serve them until re-added. */
    public Map<String, Integer> refusedCells() {
        return refusedCells;
    }

    /** From now on every replica message travels as an HMAC-signed frame through the real codec. */
    public void useWire(Keyring keyring) {
        if (codec == null) {
            codec = new WireCodec(keyring);
        } else {
            codec.useKeyring(keyring);
        }
    }

    /** Flip one random bit in this fraction of received frames (a corrupting link or NIC). */
    public void corruptFrames(double probability) {
        corruptProbability = probability;
    }

    public long framesCorrupted() {
        return framesCorrupted;
    }

    /** Frames this node rejected (bad HMAC, unknown key, malformed...), by the codec's own counters. */
    public long framesRejected() {
        return codec == null ? 0 : codec.rejections().total();
    }

    private Context context() {
        long now = clock.monotonicMillis();
        return new Context(now, random, peer -> liveness.alive(peer.name(), now));
    }

    // ---- hosting ----------------------------------------------------------------------------

    /** Hosts a replica (a founding or a joining member), persisting its identity first. */
    public void host(String cell, Member self, Configuration configuration) {
        ReplicaDriver d = drive(Replica.create(config, cell, self, configuration, observer));
        dropped.remove(cell);
        d.persistIdentity(() -> { });
        d.start(context()); // its output waits for the identity's sync
    }

    /** Stops hosting {@code cell} and deletes its records (they are not recovered at reboot). */
    public void drop(String cell) {
        replicas.remove(cell);
        dropped.add(cell);
        Hosted h = hosted.remove(cell);
        if (h != null) {
            h.driver.stop();
        }
    }

    // ---- faults -----------------------------------------------------------------------------

    /** kill -9 / power loss: memory gone, unsynced writes lost, in-flight output never sent. */
    public void crash() {
        if (!up) {
            return;
        }
        up = false;
        network.down(name);
        disk.crash();
        for (Hosted h : hosted.values()) {
            h.driver.halt();
        }
        hosted.clear();
        replicas.clear();
        liveness.clear();
        if (pingTimer != null) {
            pingTimer.cancel();
        }
    }

    /** Reboot: every replica is rebuilt from the records that survived. */
    public void restart() {
        if (up) {
            return;
        }
        up = true;
        network.up(name);
        TreeMap<String, List<DurableRecord>> byCell = new TreeMap<>();
        List<Stored<CellRecord>> stored = disk.records();
        if (!stored.isEmpty() && stored.get(stored.size() - 1).isCorrupt()) {
            // A torn tail: the last write was cut by the power loss and never synced, so nothing
            // was sent on its account. A real node truncates it; we remember to skip it.
            truncatedTail.add(stored.size() - 1);
        }
        for (int i = 0; i < stored.size(); i++) {
            Stored<CellRecord> s = stored.get(i);
            if (s instanceof Stored.Ok<CellRecord> ok) {
                if (ok.record().record() instanceof DurableRecord.Identity) {
                    byCell.remove(ok.record().cell()); // re-hosted as a new member: the old records are dead
                }
                byCell.computeIfAbsent(ok.record().cell(), c -> new ArrayList<>()).add(ok.record().record());
            } else if (!truncatedTail.contains(i)) {
                // Damage inside the durable log: we cannot know what we promised.
                refuseAll(byCell, stored);
                return;
            }
        }
        Context ctx = context();
        for (var e : byCell.entrySet()) {
            if (!refusedCells.containsKey(e.getKey()) && !dropped.contains(e.getKey())) {
                drive(Replica.recover(config, e.getValue(), observer, ctx)).start(ctx);
            }
        }
        schedulePings();
    }

    private void refuseAll(TreeMap<String, List<DurableRecord>> byCell, List<Stored<CellRecord>> stored) {
        for (Stored<CellRecord> s : stored) {
            if (s instanceof Stored.Ok<CellRecord> ok) {
                refusedCells.merge(ok.record().cell(), 1, Integer::sum);
            }
        }
        schedulePings();
    }

    // ---- the driver loop --------------------------------------------------------------------

    private void schedulePings() {
        pingTimer = clock.afterLocal(PING_EVERY_MILLIS, () -> {
            if (!up) {
                return;
            }
            for (String peer : network.nodes()) {
                if (!peer.equals(name) && !peer.startsWith("client")) {
                    network.send(name, peer, new Packet.Ping());
                }
            }
            schedulePings();
        });
    }

    private void onPacket(Delivery<Packet> d) {
        if (!up) {
            return;
        }
        if (liveness.heard(d.from(), clock.monotonicMillis()) && !d.from().startsWith("client")) {
            peerReturned(d.from());
        }
        if (!up) {
            return; // a replica's step may have crashed this node (a full disk)
        }
        switch (d.message()) {
            case Packet.Ping p -> { }
            case Packet.Cell c -> deliver(c.envelope());
            case Packet.Frame f -> {
                byte[] bytes = f.bytes().clone();
                if (corruptProbability > 0 && random.nextDouble() < corruptProbability) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                    framesCorrupted++;
                }
                if (codec != null && codec.decode(bytes) instanceof DecodeResult.Ok ok) {
                    deliver(ok.envelope());
                }
            }
            case Packet.Request req -> {
                Hosted h = hosted.get(req.cell());
                if (h == null) {
                    network.send(name, d.from(), new Packet.Response(
                            new Reply.Unavailable(req.request().requestId(), "cell not hosted on " + name)));
                    return;
                }
                h.driver.onClientRequest(req.request(), answerTo(d.from()), context());
            }
            case Packet.Response r -> { }
        }
    }

    /** A peer's link came back: every replica hosted here hears it (the leaders of its cells tell it what it missed). */
    private void peerReturned(String peer) {
        NodeId id = new NodeId(peer);
        for (String cell : new ArrayList<>(replicas.keySet())) { // cell order: the seed replays the run
            Hosted h = hosted.get(cell);
            if (up && h != null) {
                h.driver.onPeerReturned(id, context());
            }
        }
    }

    private void deliver(Envelope env) {
        Hosted h = hosted.get(env.cell());
        if (h != null) {
            h.driver.onMessage(env, context());
        }
    }

    /** Local client call (used by scenario scripts that talk to a node directly). */
    public void request(String cell, String client, ClientRequest request) {
        Hosted h = hosted.get(cell);
        if (h != null && up) {
            h.driver.onClientRequest(request, answerTo(client), context());
        }
    }

    private Consumer<Reply> answerTo(String client) {
        return reply -> network.send(name, client, new Packet.Response(reply));
    }

    private ReplicaDriver drive(Replica r) {
        Hosted h = new Hosted(r.cell());
        h.driver = new ReplicaDriver(r, h, h, h, reason -> onViolation.accept(name + "/" + r.cell() + " stopped: " + reason));
        hosted.put(r.cell(), h);
        replicas.put(r.cell(), r);
        return h.driver;
    }

    /** Wakeup timers pending on this node (0 for a node whose cells are all idle). */
    public int pendingWakeups() {
        int n = 0;
        for (Hosted h : hosted.values()) {
            n += h.driver.hasTimer() ? 1 : 0;
        }
        return n;
    }

    /** The driver's ports for one replica on this node: the node's disk, network and clock. */
    private final class Hosted implements Durability, Outbox, Timers {
        private final String cell;
        private ReplicaDriver driver;
        private Timer wakeup;

        Hosted(String cell) {
            this.cell = cell;
        }

        @Override
        public boolean persist(List<DurableRecord> records, long ticket) {
            for (DurableRecord rec : records) {
                if (!disk.append(new CellRecord(cell, rec))) {
                    crash(); // a full disk stops the node; it never sends what it could not persist
                    return false;
                }
            }
            ReplicaDriver d = driver;
            disk.sync(() -> d.durable(ticket, context()));
            return true;
        }

        @Override
        public void send(Envelope e) {
            observer.released(e);
            Packet p = codec == null ? new Packet.Cell(e) : new Packet.Frame(codec.encode(e));
            network.send(name, e.to().node().name(), p);
        }

        @Override
        public void schedule(long delayMillis) {
            ReplicaDriver d = driver;
            wakeup = clock.afterLocal(delayMillis, () -> {
                wakeup = null;
                if (up && hosted.get(cell) == this) {
                    d.onWakeup(context());
                }
            });
        }

        @Override
        public void cancel() {
            if (wakeup != null) {
                wakeup.cancel();
                wakeup = null;
            }
        }
    }
}
