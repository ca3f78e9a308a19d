package io.physalia.simworld.cell.scenarios.membership;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.SimNode;
import io.physalia.simworld.net.NetworkEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/** Small synchronous helpers over a {@link CellWorld} for short scenario scripts. */
final class Sim {
    final CellWorld w;
    final List<NetworkEvent<Packet>> events = new ArrayList<>();
    Command last;
    /** The configuration a joining replica is created with (null: the pending one from the result). */
    Configuration hostConfig; // the founding configuration, for hosting a replica outside addAndHost

    Sim(long seed, int nodes) {
        this(seed, nodes, ReplicaConfig.DEFAULT);
    }

    Sim(long seed, int nodes, ReplicaConfig config) {
        w = new CellWorld(seed, nodes, config);
        hostConfig = w.node("n1").replica(CellWorld.CELL).configuration();
        w.network().observe(e -> {
            if (e.delivery().message() instanceof Packet.Cell || e.delivery().message() instanceof Packet.Response) {
                events.add(e);
            }
        });
    }

    SimClient client() {
        return w.addClient();
    }

    Replica replica(String node) {
        return w.node(node).replica(CellWorld.CELL);
    }

    /** Submits a command and runs until it finishes; returns its result (null if unknown). */
    CommandResult submit(SimClient c, LongFunction<Command> f) {
        return w.call(c, seq -> {
            Command cmd = f.apply(seq);
            last = cmd;
            return cmd;
        });
    }

    CommandResult.Membership add(SimClient c, String node) {
        if (!w.nodes().containsKey(node)) {
            w.addNode(node);
        }
        return (CommandResult.Membership) submit(c, seq -> new Command.AddMember(c.clientId(), seq, new NodeId(node)));
    }

    CommandResult.Membership remove(SimClient c, Member m) {
        return (CommandResult.Membership) submit(c, seq -> new Command.RemoveMember(c.clientId(), seq, m));
    }

    /** Adds {@code node} (creating it) and hosts its replica; returns the new member. */
    Member addAndHost(SimClient c, String node) {
        if (!w.nodes().containsKey(node)) {
            w.addNode(node);
        }
        CommandResult.Membership r = add(c, node);
        assertTrue(r != null && r.applied(), "add applied: " + r);
        Member m = new Member(new NodeId(node), slotOf(last) + 1); // incarnation: the change's slot + 1
        w.node(node).host(CellWorld.CELL, m, r.pending());
        return m;
    }

    OpOutput op(SimClient c, ClientOp op) {
        return w.call(c, op);
    }

    OpOutput put(SimClient c, String k, long v) {
        return op(c, new ClientOp.Put(k, v));
    }

    OpOutput get(SimClient c, String k) {
        return op(c, new ClientOp.Get(k));
    }

    /** Performs {@code n} puts one after another (each waits for the previous). */
    void putMany(SimClient c, String k, int n) {
        for (int i = 0; i < n; i++) {
            OpOutput o = put(c, k, 1000 + i);
            assertTrue(o != null, "put " + i + " finished");
        }
    }

    String leader() {
        List<String> leaders = w.leaders();
        return leaders.isEmpty() ? null : leaders.get(0);
    }

    long maxApplied() {
        long m = 0;
        for (SimNode n : w.nodes().values()) {
            Replica r = n.replica(CellWorld.CELL);
            if (r != null) {
                m = Math.max(m, r.appliedUpTo());
            }
        }
        return m;
    }

    /** The slot {@code c} was chosen at, or -1. */
    long slotOf(Command c) {
        long max = maxApplied() + 10;
        for (long s = 0; s <= max; s++) {
            Batch b = w.chosen(s);
            if (b != null && b.commands().contains(c)) {
                return s;
            }
        }
        return -1;
    }

    long count(Predicate<NetworkEvent<Packet>> p) {
        return events.stream().filter(p).count();
    }

    /** Delivered replica messages of type {@code type} to {@code node} (any sender when from is null). */
    long delivered(Class<? extends Message> type, String from, String to) {
        return count(e -> e.kind() == NetworkEvent.Kind.DELIVERED
                && e.delivery().message() instanceof Packet.Cell cell && type.isInstance(cell.envelope().message())
                && (from == null || e.delivery().from().equals(from)) && (to == null || e.delivery().to().equals(to)));
    }

    static Configuration conf(Member... ms) {
        return new Configuration(List.of(ms));
    }
}
