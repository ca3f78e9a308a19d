package io.physalia.node.storage;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import io.physalia.core.cell.CellStateMachine;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Effects;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.ReplicaObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Random but consistent durable histories of one replica, and what {@code Replica.recover}
 * makes of a list of records, for comparing recoveries.
 */
final class Histories {
    static final ReplicaConfig CONFIG = ReplicaConfig.DEFAULT;
    static final Configuration MEMBERS = new Configuration(List.of(Member.founding("n1"), Member.founding("n2"),
            Member.founding("n3")));

    private Histories() {}

    /** One cell's true history: the batch chosen at each slot and the snapshot before each slot. */
    static final class Chain {
        final String cell;
        final List<Batch> batches = new ArrayList<>();
        final List<CellSnapshot> snapshots = new ArrayList<>(); // snapshots.get(k): state before slot k

        Chain(String cell, int slots, Random random) {
            this.cell = cell;
            CellStateMachine sm = CellStateMachine.create(cell, MEMBERS, CONFIG.limits(), CONFIG.alpha());
            snapshots.add(sm.snapshot(0));
            for (int s = 0; s < slots; s++) {
                Batch b = randomBatch(random);
                batches.add(b);
                sm.apply(s, b);
                snapshots.add(sm.snapshot(s + 1));
            }
        }
    }

    static Batch randomBatch(Random random) {
        List<Command> cmds = new ArrayList<>();
        int n = 1 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
            cmds.add(new Command.ClientTxn("", 0, new Transaction(List.of(),
                    List.of(new Op.Put("k" + random.nextInt(6), Value.ofInt(random.nextInt(1000)))))));
        }
        return new Batch(cmds);
    }

    static Ballot randomBallot(Random random) {
        return new Ballot(random.nextInt(12), Member.founding("n" + (1 + random.nextInt(3))));
    }

    /**
     * A random sequence of records a replica of {@code chain}'s cell could have persisted: an
     * Identity, then promises, accepted values (some never chosen), chosen values around a
     * moving frontier (with holes), snapshots of the true state, and now and then a new Identity.
     */
    static List<DurableRecord> randomHistory(Chain chain, int length, Random random) {
        return randomHistory(chain, length, random, new int[] {15, 40, 80, 97});
    }

    /** Like {@link #randomHistory(Chain, int, Random)}, mostly chosen values and few snapshots: long runs to fold. */
    static List<DurableRecord> busyHistory(Chain chain, int length, Random random) {
        return randomHistory(chain, length, random, new int[] {5, 30, 98, 99});
    }

    /** {@code odds}: cumulative percentages of Promised, AcceptedValue, Chosen and Snapshot records; the rest are Identities. */
    private static List<DurableRecord> randomHistory(Chain chain, int length, Random random, int[] odds) {
        List<DurableRecord> out = new ArrayList<>();
        out.add(identity(chain, random));
        int n = chain.batches.size();
        int frontier = 0;
        while (out.size() < length) {
            int roll = random.nextInt(100);
            if (roll < odds[0]) {
                out.add(new DurableRecord.Promised(randomBallot(random)));
            } else if (roll < odds[1]) {
                int slot = Math.max(0, frontier - 2 + random.nextInt(6));
                Batch v = slot < n && random.nextBoolean() ? chain.batches.get(slot) : randomBatch(random);
                out.add(new DurableRecord.AcceptedValue(slot, randomBallot(random), v));
            } else if (roll < odds[2]) {
                int slot = Math.min(n - 1, Math.max(0, frontier - 3 + random.nextInt(7)));
                out.add(new DurableRecord.Chosen(slot, chain.batches.get(slot)));
                if (slot >= frontier) {
                    frontier = Math.min(n - 1, frontier + 1);
                }
            } else if (roll < odds[3]) {
                int at = 1 + random.nextInt(Math.max(1, Math.min(n, frontier + 2)));
                out.add(new DurableRecord.Snapshot(chain.snapshots.get(at)));
            } else {
                out.add(identity(chain, random));
            }
        }
        return out;
    }

    private static DurableRecord.Identity identity(Chain chain, Random random) {
        // Mostly a founding member; sometimes a member added by a change, which has no state until a snapshot.
        Member self = random.nextInt(4) == 0 ? new Member(new io.physalia.core.cell.NodeId("n1"), 1 + random.nextInt(9))
                : Member.founding("n1");
        return new DurableRecord.Identity(chain.cell, self, MEMBERS);
    }

    /** The records recovery replays for a cell: those from its latest Identity on (as the log reader keeps them). */
    static List<DurableRecord> fromLatestIdentity(List<DurableRecord> records) {
        int last = 0;
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) instanceof DurableRecord.Identity) {
                last = i;
            }
        }
        return records.subList(last, records.size());
    }

    /** Everything observable of a recovered replica's durable state, for equality. */
    record Recovery(Member member, long appliedUpTo, Ballot promised, CellSnapshot state, Map<Long, Batch> ahead,
                    List<Message.AcceptedEntry> accepted, String failure) {}

    static Recovery recover(List<DurableRecord> records) {
        Context ctx = new Context(0, new Random(1), n -> true);
        Replica r;
        try {
            r = Replica.recover(CONFIG, records, ReplicaObserver.NONE, ctx);
        } catch (RuntimeException e) {
            return new Recovery(null, -1, null, null, null, null, e.getClass().getSimpleName());
        }
        Map<Long, Batch> ahead = new TreeMap<>();
        for (long s = r.appliedUpTo(); s < r.appliedUpTo() + 64; s++) {
            if (r.chosenAt(s) != null) {
                ahead.put(s, r.chosenAt(s));
            }
        }
        Ballot promised = r.promised();
        CellSnapshot state = r.state().snapshot(r.appliedUpTo());
        // The accepted values are what a Prepare above every ballot (after the restart quarantine) reports.
        Member other = new Member(new io.physalia.core.cell.NodeId("n2"), 0);
        Member self = r.member();
        Message.Prepare prepare = new Message.Prepare(new Ballot(1_000_000, other), 0, 0);
        Effects fx = r.onMessage(new Envelope(r.cell(), other, self, prepare), new Context(1_000_000_000L, new Random(1), n -> true));
        List<Message.AcceptedEntry> accepted = null;
        for (Envelope e : fx.send()) {
            if (e.message() instanceof Message.Promise p) {
                accepted = p.accepted();
            }
        }
        return new Recovery(self, r.appliedUpTo(), promised, state, ahead, accepted, null);
    }
}
