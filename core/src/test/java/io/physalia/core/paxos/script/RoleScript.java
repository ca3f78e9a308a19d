package io.physalia.core.paxos.script;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.kv.Op;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.Value;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Effects;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Message;
import io.physalia.core.paxos.ProposerProbe;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.core.paxos.ReplicaObserver;
import io.physalia.core.paxos.Reply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The world of one role script: a cell of replicas on one shared clock, messages waiting in one
 * FIFO network until a command delivers or drops them, records durable at once. Each command
 * returns the text it produced; {@link RoleScriptTest} compares it with the script's.
 *
 * <p>Commands (one per block, then {@code ----}, then the expected output, then a blank line):
 * <pre>
 * cell n1 n2 n3 [alpha=3] [lease=0] [seed=1]  a cell of founding members (clock at 0)
 * put n1 ID KEY INT         client request ID at n1: a write (client "c", seq ID)
 * read n1 ID KEY            a linearizable read of KEY at n1
 * deliver [FROM->TO] [TYPE] deliver every pending message matching (* for any node), in order
 * stabilize                 deliver until nothing is pending
 * drop [FROM->TO] [TYPE]    drop every pending message matching
 * pending                   list the pending messages
 * tick MS                   advance the clock; wake every replica whose wakeup is due
 * down NODE / up NODE       every replica's liveness view of NODE
 * phase [NODE]              the proposer phase of each replica (or one)
 * </pre>
 */
final class RoleScript {
    private final TreeMap<String, Replica> replicas = new TreeMap<>();
    private final TreeMap<String, Long> wakeups = new TreeMap<>();
    private final List<Envelope> pending = new ArrayList<>();
    private final Set<NodeId> down = new HashSet<>();
    private Random random = new Random(1);
    private long nowMillis;

    String run(String line) {
        String[] w = line.trim().split("\\s+");
        StringBuilder out = new StringBuilder();
        switch (w[0]) {
            case "cell" -> cell(w, out);
            case "put" -> request(w[1], new ClientRequest.Submit(Long.parseLong(w[2]), new Command.ClientTxn("c",
                    Long.parseLong(w[2]), new Transaction(List.of(),
                            List.of(new Op.Put(w[3], Value.ofInt(Long.parseLong(w[4]))))))), out);
            case "read" -> request(w[1], new ClientRequest.Read(Long.parseLong(w[2]),
                    new Transaction(List.of(), List.of(new Op.Get(w[3]))), ClientRequest.ReadMode.LINEARIZABLE, 0),
                    out);
            case "deliver" -> {
                for (Envelope e : take(w)) {
                    deliver(e, out);
                }
            }
            case "stabilize" -> {
                for (int rounds = 0; !pending.isEmpty(); rounds++) {
                    check(rounds < 100, "no quiescence after 100 rounds");
                    for (Envelope e : take(new String[] {"deliver"})) {
                        deliver(e, out);
                    }
                }
            }
            case "drop" -> {
                for (Envelope e : take(w)) {
                    out.append("dropped ").append(Render.envelope(e)).append('\n');
                }
            }
            case "pending" -> pending.forEach(e -> out.append(Render.envelope(e)).append('\n'));
            case "tick" -> tick(Long.parseLong(w[1]), out);
            case "down" -> down.add(new NodeId(w[1]));
            case "up" -> down.remove(new NodeId(w[1]));
            case "phase" -> {
                for (var r : replicas.entrySet()) {
                    if (w.length == 1 || r.getKey().equals(w[1])) {
                        out.append(r.getKey()).append(": ").append(ProposerProbe.describe(r.getValue()))
                                .append('\n');
                    }
                }
            }
            default -> throw new IllegalArgumentException("unknown command: " + line);
        }
        return out.toString();
    }

    private void cell(String[] w, StringBuilder out) {
        List<Member> members = new ArrayList<>();
        int alpha = 3;
        long lease = 0;
        for (int i = 1; i < w.length; i++) {
            String[] kv = w[i].split("=");
            switch (kv[0]) {
                case "alpha" -> alpha = Integer.parseInt(kv[1]);
                case "lease" -> lease = Long.parseLong(kv[1]);
                case "seed" -> random = new Random(Long.parseLong(kv[1]));
                default -> members.add(Member.founding(w[i]));
            }
        }
        ReplicaConfig config = ReplicaConfig.DEFAULT.withAlpha(alpha).withLeaderLeaseMillis(lease);
        Configuration initial = new Configuration(members);
        for (Member m : members) {
            Replica r = Replica.create(config, "cell", m, initial, ReplicaObserver.NONE);
            replicas.put(m.node().toString(), r);
            apply(m.node().toString(), r.start(context()), out);
        }
        out.append("cell of ").append(members.size()).append(", alpha=").append(alpha).append(", lease=")
                .append(lease).append('\n');
    }

    private void request(String node, ClientRequest request, StringBuilder out) {
        out.append(node).append(" <- request ").append(request.requestId()).append('\n');
        apply(node, replica(node).onClientRequest(request, context()), out);
    }

    private void deliver(Envelope e, StringBuilder out) {
        out.append(Render.envelope(e)).append('\n');
        String to = e.to().node().toString();
        apply(to, replica(to).onMessage(e, context()), out);
    }

    private void tick(long millis, StringBuilder out) {
        nowMillis += millis;
        out.append("now=").append(nowMillis).append('\n');
        for (String node : new ArrayList<>(replicas.keySet())) {
            Long at = wakeups.get(node);
            if (at != null && at <= nowMillis) {
                wakeups.remove(node);
                out.append(node).append(" <- wakeup\n");
                apply(node, replicas.get(node).onWakeup(context()), out);
            }
        }
    }

    /** The pending messages matching {@code deliver|drop [FROM->TO] [TYPE]}, removed from the network. */
    private List<Envelope> take(String[] w) {
        String from = "*";
        String to = "*";
        String type = "*";
        for (int i = 1; i < w.length; i++) {
            if (w[i].contains("->")) {
                from = w[i].substring(0, w[i].indexOf("->"));
                to = w[i].substring(w[i].indexOf("->") + 2);
            } else {
                type = w[i];
            }
        }
        List<Envelope> out = new ArrayList<>();
        for (Iterator<Envelope> it = pending.iterator(); it.hasNext(); ) {
            Envelope e = it.next();
            if (matches(from, e.from()) && matches(to, e.to())
                    && (type.equals("*") || e.message().getClass().getSimpleName().equals(type))) {
                it.remove();
                out.add(e);
            }
        }
        check(!out.isEmpty(), "nothing pending matches " + String.join(" ", w));
        return out;
    }

    private static boolean matches(String pattern, Member m) {
        return pattern.equals("*") || pattern.equals(m.node().toString());
    }

    private void apply(String node, Effects fx, StringBuilder out) {
        for (DurableRecord r : fx.persist()) {
            out.append("  ").append(node).append(" persist ").append(Render.record(r)).append('\n');
        }
        for (Envelope e : fx.sendNow()) {
            out.append("  ").append(node).append(" send-now ").append(Render.envelope(e)).append('\n');
            pending.add(e);
        }
        for (Envelope e : fx.sendAfterPersist()) {
            out.append("  ").append(node).append(" send ").append(Render.envelope(e)).append('\n');
            pending.add(e);
        }
        for (Reply r : fx.repliesNow()) {
            out.append("  ").append(node).append(" reply-now ").append(Render.reply(r)).append('\n');
        }
        for (Reply r : fx.repliesAfterPersist()) {
            out.append("  ").append(node).append(" reply ").append(Render.reply(r)).append('\n');
        }
        if (fx.stoppedReason() != null) {
            out.append("  ").append(node).append(" STOPPED ").append(fx.stoppedReason()).append('\n');
        }
        if (fx.wakeupAtMillis() != Effects.NEVER) {
            wakeups.put(node, fx.wakeupAtMillis());
            out.append("  ").append(node).append(" wakeup@").append(fx.wakeupAtMillis()).append('\n');
        } else {
            wakeups.remove(node);
        }
        if (!fx.ownVotes().isEmpty()) {
            // the script's disk is instant: the step's records are durable as soon as it returns
            out.append("  ").append(node).append(" own votes durable:");
            fx.ownVotes().forEach(a -> out.append(" slot=").append(a.slot()));
            out.append('\n');
            apply(node, replica(node).onOwnVotesDurable(fx.ownVotes(), context()), out);
        }
    }

    private Replica replica(String node) {
        Replica r = replicas.get(node);
        check(r != null, "no replica " + node);
        return r;
    }

    private Context context() {
        return new Context(nowMillis, random, n -> !down.contains(n));
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    /** Stable, short text for what a replica does. */
    static final class Render {
        private Render() {}

        static String envelope(Envelope e) {
            return e.from().node() + "->" + e.to().node() + " " + message(e.message());
        }

        static String message(Message m) {
            return switch (m) {
                case Message.Prepare p -> "Prepare " + p.ballot() + " from=" + p.fromSlot() + " chosen=" + p.chosenUpTo();
                case Message.Promise p -> "Promise " + p.ballot() + " from=" + p.fromSlot() + " accepted="
                        + p.accepted().stream().map(a -> a.slot() + "@" + a.ballot() + ":" + batch(a.value()))
                                .collect(Collectors.joining(",", "[", "]"))
                        + " chosen=" + p.chosenUpTo();
                case Message.Nack n -> "Nack refused=" + n.refused() + " promised=" + n.promised() + " lease-left="
                        + n.leaseMillisLeft() + " chosen=" + n.chosenUpTo();
                case Message.Accept a -> "Accept " + a.ballot() + " slot=" + a.slot() + " " + batch(a.value())
                        + " lease=" + a.leaseMillis() + " chosen=" + a.chosenUpTo();
                case Message.Accepted a -> "Accepted " + a.ballot() + " slot=" + a.slot() + " chosen=" + a.chosenUpTo();
                case Message.Commit c -> "Commit " + c.ballot() + " chosen=" + c.chosenUpTo();
                case Message.TeachRequest t -> "TeachRequest chosen=" + t.chosenUpTo();
                case Message.TeachLog t -> "TeachLog first=" + t.firstSlot() + " "
                        + t.values().stream().map(Render::batch).collect(Collectors.joining(",", "[", "]"))
                        + " chosen=" + t.chosenUpTo();
                case Message.TeachSnapshot t -> "TeachSnapshot upTo=" + t.snapshot().appliedUpTo() + " chosen="
                        + t.chosenUpTo();
            };
        }

        static String record(DurableRecord r) {
            return switch (r) {
                case DurableRecord.Identity i -> "Identity " + i.self();
                case DurableRecord.Promised p -> "Promised " + p.ballot();
                case DurableRecord.AcceptedValue a -> "AcceptedValue slot=" + a.slot() + " " + a.ballot() + " "
                        + batch(a.value());
                case DurableRecord.Chosen c -> "Chosen slot=" + c.slot() + " " + batch(c.value());
                case DurableRecord.Snapshot s -> "Snapshot upTo=" + s.snapshot().appliedUpTo();
            };
        }

        static String reply(Reply r) {
            return switch (r) {
                case Reply.Applied a -> "Applied " + a.requestId() + " slot=" + a.slot();
                case Reply.ReadResult rr -> "ReadResult " + rr.requestId() + " applied-up-to=" + rr.appliedUpTo()
                        + (rr.servedLocally() ? " local" : " through-log");
                case Reply.Redirect d -> "Redirect " + d.requestId() + " to=" + d.leaderHint();
                case Reply.OutcomeUnknown u -> "OutcomeUnknown " + u.requestId() + " hint=" + u.leaderHint();
                case Reply.Overloaded o -> "Overloaded " + o.requestId() + " retry-after=" + o.retryAfterMillis();
                case Reply.Rejected j -> "Rejected " + j.requestId() + " " + j.reason();
                case Reply.Unavailable u -> "Unavailable " + u.requestId() + " " + u.reason();
            };
        }

        /** A batch as its commands: client/seq for transactions (a read through the log has no client). */
        static String batch(Batch b) {
            if (b.commands().isEmpty()) {
                return "noop";
            }
            return b.commands().stream().map(c -> c instanceof Command.ClientTxn t
                    ? (t.clientId().isEmpty() ? "read" : t.clientId() + "/" + t.seq())
                    : c.getClass().getSimpleName()).collect(Collectors.joining(",", "{", "}"));
        }
    }
}
