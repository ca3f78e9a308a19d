package io.physalia.simworld.cell.scenarios.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Command;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.OpResult;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.TxnStatus;
import io.physalia.core.kv.Value;
import io.physalia.core.kv.VersionedValue;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.cell.CellWorld;
import io.physalia.simworld.cell.ClientOp;
import io.physalia.simworld.cell.OpOutput;
import io.physalia.simworld.cell.Packet;
import io.physalia.simworld.cell.SimClient;
import io.physalia.simworld.cell.SimNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Small script helpers shared by the replication scenarios. */
final class Scenario {
    static final String CELL = CellWorld.CELL;

    private Scenario() {}

    /** Performs one recorded op and runs until the client is idle; returns what it saw (null: unknown). */
    static OpOutput run(CellWorld w, SimClient c, ClientOp op) {
        return w.call(c, op);
    }

    /** Like {@link #run} but insists on an OK outcome. */
    static OpOutput ok(CellWorld w, SimClient c, ClientOp op) {
        OpOutput o = run(w, c, op);
        assertNotNull(o, w.failurePrefix() + "outcome unknown for " + op);
        assertEquals(TxnStatus.OK, o.status(), w.failurePrefix() + op);
        return o;
    }

    static BigInteger get(CellWorld w, SimClient c, String key) {
        return ok(w, c, new ClientOp.Get(key)).value();
    }

    static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    /** Runs long enough for every replica to learn everything and every timer to settle. */
    static void quiesce(CellWorld w) {
        assertTrue(w.runUntilClientsIdle(30_000), w.failurePrefix() + "clients still busy");
        w.runFor(5_000);
    }

    /** The value of {@code key} in a replica's applied state (null if absent). */
    static VersionedValue stored(CellWorld w, String node, String key) {
        return w.node(node).replica(CELL).state().data().get(key);
    }

    /** Every up replica has applied the same prefix and holds the same data. */
    static void assertConverged(CellWorld w) {
        Replica first = null;
        String firstName = null;
        for (SimNode n : w.nodes().values()) {
            Replica r = n.replica(CELL);
            if (!n.isUp() || r == null) {
                continue;
            }
            if (first == null) {
                first = r;
                firstName = n.name();
                continue;
            }
            assertEquals(first.appliedUpTo(), r.appliedUpTo(),
                    w.failurePrefix() + n.name() + " applied prefix differs from " + firstName);
            assertEquals(first.state().data().entries(), r.state().data().entries(),
                    w.failurePrefix() + n.name() + " data differs from " + firstName);
            assertEquals(first.state().revision(), r.state().revision(), w.failurePrefix() + n.name() + " revision");
        }
        assertNotNull(first, "no live replica");
    }

    /** Replicas that currently believe they lead. */
    static List<String> leaders(CellWorld w) {
        return w.leaders();
    }

    /** Heals everything and writes once more, so replicas that missed slots hear of them (no heartbeats). */
    static void healAndSettle(CellWorld w, SimClient c) {
        w.healAll();
        ok(w, c, new ClientOp.Put("settle", 1));
        quiesce(w);
        assertConverged(w);
    }

    static String awaitLeader(CellWorld w) {
        assertTrue(w.runUntil(() -> !leaders(w).isEmpty(), 20_000), w.failurePrefix() + "no leader");
        return leaders(w).get(0);
    }

    static void assertIdle(CellWorld w) {
        for (SimNode n : w.nodes().values()) {
            assertEquals(0, n.pendingWakeups(), w.failurePrefix() + n.name() + " still has wakeups pending");
        }
    }

    static Transaction putTxn(String key, long v) {
        return new Transaction(List.of(), List.of(new Op.Put(key, Value.ofInt(v))));
    }

    static Transaction incrTxn(String key, long d) {
        return new Transaction(List.of(), List.of(new Op.Increment(key, BigInteger.valueOf(d))));
    }

    static Transaction getTxn(String key) {
        return new Transaction(List.of(), List.of(new Op.Get(key)));
    }

    static BigInteger readValue(Reply.ReadResult rr) {
        OpResult.Read r = (OpResult.Read) rr.result().results().get(0);
        return r.found() == null ? null : ((Value.Int) r.found().value()).value();
    }

    /**
     * A client that talks to nodes directly (SimNode.request) and collects every reply by request
     * id. Its name starts with "client" so nodes do not ping it.
     */
    static final class Probe {
        private final CellWorld w;
        final String name;
        private final Map<Long, Reply> replies = new LinkedHashMap<>();
        private long nextId;

        Probe(CellWorld w, String name) {
            this.w = w;
            this.name = name;
            this.nextId = 9_000_000_000L + Math.abs(name.hashCode() % 1000) * 1_000_000L;
            w.network().register(name, d -> {
                if (d.message() instanceof Packet.Response r) {
                    replies.put(r.reply().requestId(), r.reply());
                }
            });
        }

        long submit(String node, Command c) {
            long id = ++nextId;
            w.node(node).request(CELL, name, new ClientRequest.Submit(id, c));
            return id;
        }

        long read(String node, Transaction t, ClientRequest.ReadMode mode, long minSlot) {
            long id = ++nextId;
            w.node(node).request(CELL, name, new ClientRequest.Read(id, t, mode, minSlot));
            return id;
        }

        Reply reply(long id) {
            return replies.get(id);
        }

        /** Runs until the reply for {@code id} arrives. */
        Reply await(long id) {
            assertTrue(w.runUntil(() -> replies.containsKey(id), 20_000),
                    w.failurePrefix() + name + ": no reply to " + id);
            return replies.get(id);
        }

        /**
         * A linearizable read like a patient client would do it: follow redirects to live nodes,
         * try another node on anything else, until a ReadResult comes back.
         */
        Reply.ReadResult readLinearizable(String start, Transaction t) {
            String node = start;
            java.util.List<String> names = new java.util.ArrayList<>(w.nodes().keySet());
            for (int attempt = 0; attempt < 50; attempt++) {
                if (!w.node(node).isUp()) {
                    node = names.get((names.indexOf(node) + 1) % names.size());
                    continue;
                }
                long id = read(node, t, ClientRequest.ReadMode.LINEARIZABLE, 0);
                Reply r = await(id);
                if (r instanceof Reply.ReadResult rr) {
                    return rr;
                }
                if (r instanceof Reply.Redirect red && red.leaderHint() != null
                        && w.node(red.leaderHint().name()).isUp()) {
                    node = red.leaderHint().name();
                } else {
                    node = names.get((names.indexOf(node) + 1) % names.size());
                    w.runFor(100);
                }
            }
            throw new AssertionError(w.failurePrefix() + "no linearizable read succeeded");
        }

        /** Submits until Applied (same command each time: exactly-once makes that safe). */
        Reply.Applied submitUntilApplied(String start, Command c) {
            String node = start;
            java.util.List<String> names = new java.util.ArrayList<>(w.nodes().keySet());
            for (int attempt = 0; attempt < 50; attempt++) {
                if (!w.node(node).isUp()) {
                    node = names.get((names.indexOf(node) + 1) % names.size());
                    continue;
                }
                Reply r = await(submit(node, c));
                if (r instanceof Reply.Applied a) {
                    return a;
                }
                if (r instanceof Reply.Redirect red && red.leaderHint() != null
                        && w.node(red.leaderHint().name()).isUp()) {
                    node = red.leaderHint().name();
                } else {
                    node = names.get((names.indexOf(node) + 1) % names.size());
                    w.runFor(100);
                }
            }
            throw new AssertionError(w.failurePrefix() + "command never applied: " + c);
        }

        Map<Long, Reply> replies() {
            return replies;
        }
    }
}
