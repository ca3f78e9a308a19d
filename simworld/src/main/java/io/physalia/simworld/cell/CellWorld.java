package io.physalia.simworld.cell;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.wire.Keyring;
import io.physalia.simworld.SimClock;
import io.physalia.simworld.SimRandom;
import io.physalia.simworld.SimScheduler;
import io.physalia.simworld.disk.SimDisk;
import io.physalia.simworld.linearizability.CheckResult;
import io.physalia.simworld.linearizability.History;
import io.physalia.simworld.linearizability.LinearizabilityChecker;
import io.physalia.simworld.net.SimNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * A simulated colony fragment: nodes hosting one cell (or more), clients, a network, clocks and
 * disks, all driven by one scheduler from one seed. Invariants are checked after every event;
 * {@link #checkLinearizable()} checks the client history at the end. Any failure names the seed.
 */
public final class CellWorld {
    public static final String CELL = "cell-1";

    private final long seed;
    private final SimRandom random;
    private final SimScheduler scheduler = new SimScheduler();
    private final SimNetwork<Packet> network;
    private final ReplicaConfig config;
    private final TreeMap<String, SimNode> nodes = new TreeMap<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final CellInvariants invariants;
    private final History<ClientOp, OpOutput> history = new History<>();
    private final LeaseChecker leases;
    private Keyring keyring; // null: messages travel as objects

    public CellWorld(long seed, int nodeCount) {
        this(seed, nodeCount, ReplicaConfig.DEFAULT);
    }

    public CellWorld(long seed, int nodeCount, ReplicaConfig config) {
        this.seed = seed;
        this.random = new SimRandom(seed);
        this.config = config;
        this.network = new SimNetwork<>(scheduler, random.fork());
        this.invariants = new CellInvariants(this);
        this.leases = new LeaseChecker(this);
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            String name = "n" + i;
            addNode(name);
            members.add(Member.founding(name));
        }
        Configuration initial = new Configuration(members);
        for (Member m : members) {
            nodes.get(m.node().name()).host(CELL, m, initial);
        }
        scheduler.afterEachEvent(() -> {
            invariants.afterEvent();
            leases.afterEvent();
        });
    }

    /** Adds a node (not yet in any cell), e.g. a replacement for a membership change. */
    public SimNode addNode(String name) {
        SimNode n = new SimNode(name, scheduler, network, new SimClock(scheduler), new SimDisk<>(scheduler, random.fork()),
                config, invariants, random.fork(), invariants::violation);
        if (keyring != null) {
            n.useWire(keyring);
        }
        nodes.put(name, n);
        return n;
    }

    public SimClient addClient() {
        String name = "client" + (clients.size() + 1);
        SimClient c = new SimClient(name, clients.size(), CELL, network, new SimClock(scheduler), random.fork(),
                this::cellNodes);
        clients.add(c);
        return c;
    }

    /**
     * The nodes a client may try: those hosting the cell (what a discovery cache would list),
     * or, while none is up, every node ever added.
     */
    public List<String> cellNodes() {
        List<String> out = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.replica(CELL) != null) {
                out.add(n.name());
            }
        }
        return out.isEmpty() ? new ArrayList<>(nodes.keySet()) : out;
    }

    // ---- operations recorded in the history --------------------------------------------------

    /** Runs one op from {@code client}, recording it for the linearizability check. */
    public void perform(SimClient client, ClientOp op, java.util.function.Consumer<OpOutput> then) {
        int id = history.invoke(client.name(), op, scheduler.now());
        java.util.function.Consumer<io.physalia.core.kv.TxnResult> finish = r -> {
            if (r == null) {
                then.accept(null); // unknown outcome: stays indeterminate in the history
                return;
            }
            OpOutput out = OpOutput.from(r);
            history.ok(id, out, scheduler.now());
            then.accept(out);
        };
        if (op.isRead()) {
            client.read(op.toTransaction(), ClientRequest.ReadMode.LINEARIZABLE,
                    rr -> finish.accept(rr == null ? null : rr.result()));
        } else {
            client.submit(seq -> new Command.ClientTxn(client.clientId(), seq, op.toTransaction()),
                    cr -> finish.accept(cr instanceof CommandResult.Txn t ? t.result() : null));
        }
    }

    /** Performs one recorded op and runs the world until it finishes; its output, or null if unknown. */
    public OpOutput call(SimClient client, ClientOp op) {
        OpOutput[] out = new OpOutput[1];
        perform(client, op, o -> out[0] = o);
        awaitIdle(client, op);
        return out[0];
    }

    /** Submits one command and runs the world until it finishes; its result, or null if unknown. */
    public CommandResult call(SimClient client, java.util.function.LongFunction<Command> command) {
        CommandResult[] out = new CommandResult[1];
        submit(client, command, r -> out[0] = r);
        awaitIdle(client, "command");
        return out[0];
    }

    private void awaitIdle(SimClient client, Object what) {
        // A client gives up at its own deadline, so this bound only catches a stuck simulation.
        if (!runUntil(() -> !client.busy(), 4 * SimClient.OP_DEADLINE_MILLIS)) {
            throw new AssertionError(failurePrefix() + client.name() + " never finished " + what);
        }
    }

    /** Nodes whose replica currently believes it leads the cell. */
    public List<String> leaders() {
        List<String> out = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.isUp() && n.replica(CELL) != null && n.replica(CELL).isLeader()) {
                out.add(n.name());
            }
        }
        return out;
    }

    /** Submits any command (leases, membership) outside the KV history. */
    public void submit(SimClient client, java.util.function.LongFunction<Command> command,
                       java.util.function.Consumer<CommandResult> then) {
        client.submit(command, then);
    }

    // ---- faults -----------------------------------------------------------------------------

    public void crash(String node) {
        nodes.get(node).crash();
    }

    public void restart(String node) {
        nodes.get(node).restart();
    }

    public void partition(String name, String... group) {
        network.partitionOff(name, List.of(group));
    }

    public void heal(String name) {
        network.heal(name);
    }

    public void healAll() {
        network.healAll();
    }

    // ---- the real wire format ----------------------------------------------------------------

    /** Sends every replica message through the real codec, signed with key {@code keyId}. */
    public void useWire(int keyId) {
        useKeyring(Keyring.of(keyId, keyBytes(keyId)));
    }

    private void useKeyring(Keyring ring) {
        keyring = ring;
        nodes.values().forEach(n -> n.useWire(ring));
    }

    /**
     * Rotates to a new key the way operators do, in three steps spread over time: every node
     * learns the new key, then every node signs with it, then the old key is removed. No valid
     * message may be rejected at any step.
     */
    public void rotateKey(int oldId, int newId, long stepMillis) {
        Keyring both = Keyring.of(oldId, keyBytes(oldId)).withKey(newId, keyBytes(newId));
        useKeyring(both);
        scheduler.after(stepMillis, () -> useKeyring(both.signingWith(newId)));
        scheduler.after(2 * stepMillis, () -> useKeyring(both.signingWith(newId).withoutKey(oldId)));
    }

    private byte[] keyBytes(int keyId) {
        byte[] key = new byte[32];
        new SimRandom(seed * 31 + keyId).nextBytes(key);
        return key;
    }

    /** For traces: every node's view of the cell, one line per node. */
    public String dump() {
        StringBuilder b = new StringBuilder();
        for (SimNode n : nodes.values()) {
            io.physalia.core.paxos.Replica r = n.replica(CELL);
            b.append(n.name()).append(n.isUp() ? " up" : " down");
            if (!n.refusedCells().isEmpty()) {
                b.append(" refused=").append(n.refusedCells().keySet());
            }
            if (r != null) {
                b.append(" member=").append(r.member()).append(" applied=").append(r.appliedUpTo())
                        .append(" leader=").append(r.isLeader()).append(" hint=").append(r.leaderHint())
                        .append(" promised=").append(r.promised()).append(" config=")
                        .append(r.configuration().members());
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** For traces: a frame shown as the envelope it carries (or why it does not decode). */
    public String describe(Packet p) {
        if (p instanceof Packet.Frame f && keyring != null) {
            return "Frame" + new io.physalia.core.wire.WireCodec(keyring).decode(f.bytes());
        }
        return String.valueOf(p);
    }

    public void corruptFrames(double probability) {
        nodes.values().forEach(n -> n.corruptFrames(probability));
    }

    /** Every corrupted frame was rejected and counted; no intact frame was. */
    public void checkFrames() {
        long corrupted = nodes.values().stream().mapToLong(SimNode::framesCorrupted).sum();
        long rejected = nodes.values().stream().mapToLong(SimNode::framesRejected).sum();
        if (corrupted != rejected) {
            throw new AssertionError(failurePrefix() + corrupted + " frames were corrupted but " + rejected
                    + " were rejected");
        }
    }

    // ---- running ----------------------------------------------------------------------------

    public void runFor(long millis) {
        scheduler.runFor(millis);
    }

    public boolean runUntil(BooleanSupplier done, long maxMillis) {
        return scheduler.runUntil(done, scheduler.now() + maxMillis);
    }

    /** Runs until every client is idle (or the limit passes). */
    public boolean runUntilClientsIdle(long maxMillis) {
        return runUntil(() -> clients.stream().noneMatch(SimClient::busy), maxMillis);
    }

    public void checkLinearizable() {
        CheckResult<ClientOp, OpOutput> r = LinearizabilityChecker.check(history, new KvModel(), 2_000_000);
        if (!r.isLinearizable()) {
            throw new AssertionError(failurePrefix() + "history is not linearizable: " + r);
        }
    }

    /** The value the cell chose at {@code slot}, as the invariant checker saw it (null if none yet). */
    public Batch chosen(long slot) {
        return invariants.chosen(CELL, slot);
    }

    public String failurePrefix() {
        return "[seed " + seed + ", replay: ./mvnw -pl simworld -am test -Dtest=SwarmTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dsimworld.seed=" + seed + "] ";
    }

    // ---- accessors --------------------------------------------------------------------------

    public long seed() {
        return seed;
    }

    public SimRandom random() {
        return random;
    }

    public SimScheduler scheduler() {
        return scheduler;
    }

    public SimNetwork<Packet> network() {
        return network;
    }

    public ReplicaConfig config() {
        return config;
    }

    public SimNode node(String name) {
        SimNode n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("no node " + name);
        }
        return n;
    }

    public Map<String, SimNode> nodes() {
        return nodes;
    }

    public List<SimClient> clients() {
        return clients;
    }

    public History<ClientOp, OpOutput> history() {
        return history;
    }

    public LeaseChecker leases() {
        return leases;
    }

    public CellInvariants invariants() {
        return invariants;
    }

    public long now() {
        return scheduler.now();
    }
}
