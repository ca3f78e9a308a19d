package io.physalia.simworld.explore;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Ballot;
import io.physalia.core.paxos.ClientRequest;
import io.physalia.core.paxos.Context;
import io.physalia.core.paxos.DurableRecord;
import io.physalia.core.paxos.Effects;
import io.physalia.core.paxos.Envelope;
import io.physalia.core.paxos.Replica;
import io.physalia.core.paxos.ReplicaObserver;
import io.physalia.core.paxos.Reply;
import io.physalia.simworld.SimRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bounded exhaustive exploration of message loss, duplication, reordering and timeouts for one
 * 3-replica cell (paper section 4.2), by stateless model checking.
 *
 * <p>The state of the system is (three {@link Replica}s, the multiset of in-flight messages, the
 * requests not yet submitted, the budgets used). From each state the explorer tries every action:
 * submit a pending request at its replica; deliver one in-flight message; drop one (bounded);
 * duplicate one (bounded); fire one replica's pending wakeup (bounded), which first advances that
 * node's own clock to the wakeup time (clocks are independent per node and move only then).
 * Identical in-flight messages are one choice. Replicas are mutable, so the search is a
 * depth-first search that rebuilds each branch by <em>replaying its choice prefix from scratch</em>
 * (the last child of a node reuses the parent's world in place). Every replica gets its own
 * seeded random source and sees every peer alive, so a replay is exact.
 *
 * <p>Effects are treated as durable the moment a step returns (persist before send holds
 * trivially). A crash (bounded) throws a replica away and recovers it with
 * {@link Replica#recover} from every record it persisted, as a node does after kill -9; its
 * pending requests and timers are lost, the messages it sent stay in flight. Disk faults (lost
 * unsynced writes, damaged records) are out of scope here; the seeded SimWorld covers them. The
 * test-only {@code amnesia} restart models a broken node that loses all its durable state; it
 * exists to show the explorer catches such a bug.
 *
 * <p>Checked after every step: at most one chosen value per slot across all replicas (via
 * {@link ReplicaObserver#chosen}), identical applied state on replicas at equal appliedUpTo,
 * promised ballots never decrease per replica (except across an amnesia restart), no replica
 * stopped on an internal check, and every Applied reply names a slot whose chosen value holds the
 * request's command, with every Applied reply to one request agreeing on slot and result.
 *
 * <p>No partial-order reduction. Instead, with {@code dedupe}, states are cached by a fingerprint
 * that is sound because a replica is a deterministic function of its input sequence (inputs,
 * clock readings, its own random stream): the fingerprint hashes, per replica, the sequence of
 * inputs it has consumed, plus the in-flight multiset, the pending requests and the budgets used.
 * Two paths with the same fingerprint therefore reach the same state (this merges, soundly, the
 * interleavings of independent deliveries to different nodes), and the checks' own memory
 * (chosen values, digests, replies) is a function of the same histories. A state is skipped only
 * if it was already explored at the same or a smaller depth. Fingerprints are 64-bit hashes
 * (hash compaction, as in SPIN): a collision could hide a state, with probability about n^2/2^65 for n
 * states, plus the small chance that two different messages share a hash (see {@link #hash}).
 */
public final class Explorer {
    static final int SUBMIT = 0, DELIVER = 1, DROP = 2, DUP = 3, WAKE = 4, CRASH = 5, AMNESIA = 6;
    private static final String[] KIND = {"submit", "deliver", "drop", "duplicate", "wakeup", "crash-and-recover",
        "amnesia-restart"};
    private static final long NEVER = Effects.NEVER;
    private static final String CELL = "cell";

    private final Scenario scenario;
    private final Member[] members;
    private final Configuration configuration;
    private final LongIntMap visited = new LongIntMap();
    private final int[] path;
    private long states;
    private long paths;
    private long transitions;
    private long replayedSteps;
    private long dedupHits;
    private long quiescentPaths;
    private long allAppliedPaths;
    private long reconfiguredPaths;
    private int maxDepthSeen;
    private String violation;
    private List<String> trace;

    public Explorer(Scenario scenario) {
        this.scenario = scenario;
        this.members = Scenario.NODES.stream().map(Member::founding).toArray(Member[]::new);
        this.configuration = new Configuration(List.of(members));
        this.path = new int[scenario.maxDepth() + 1];
    }

    /** Figures of one exploration; {@code violation} is null when every check held. */
    public record Result(Scenario scenario, long states, long paths, long transitions, long replayedSteps,
                         long dedupHits, long quiescentPaths, long allAppliedPaths, long reconfiguredPaths, int maxDepth,
                         String violation, List<String> trace) {
        @Override
        public String toString() {
            return "explored [" + scenario + "]: " + states + " states, " + paths + " paths (" + quiescentPaths
                    + " quiescent, " + allAppliedPaths + " with every request applied, " + reconfiguredPaths
                    + " that applied a slot in a changed configuration), " + transitions
                    + " transitions, " + dedupHits + " dedup hits, " + replayedSteps + " replayed steps, max depth "
                    + maxDepth + (violation == null ? ", no violation"
                    : "\nVIOLATION: " + violation + "\ntrace:\n  " + String.join("\n  ", trace));
        }
    }

    public Result run() {
        World root = new World();
        visited.put(root.fingerprint(), 0);
        try {
            visit(root, 0);
        } catch (Found f) {
            // violation and trace are set
        }
        return new Result(scenario, states, paths, transitions, replayedSteps, dedupHits, quiescentPaths,
                allAppliedPaths, reconfiguredPaths, maxDepthSeen, violation, trace);
    }

    private static final class Found extends RuntimeException {
        Found() {
            super(null, null, false, false);
        }
    }

    private void visit(World w, int depth) {
        states++;
        maxDepthSeen = Math.max(maxDepthSeen, depth);
        List<Integer> actions = w.actions();
        if (depth == scenario.maxDepth() || actions.isEmpty()) {
            paths++;
            if (actions.isEmpty()) {
                quiescentPaths++;
            }
            if (w.appliedReplies() == scenario.requests().size()) {
                allAppliedPaths++;
            }
            if (w.reconfigured) {
                reconfiguredPaths++;
            }
            return;
        }
        for (int i = 0; i < actions.size(); i++) {
            int a = actions.get(i);
            World child = i == actions.size() - 1 ? w : replay(depth);
            path[depth] = a;
            child.apply(a);
            transitions++;
            if (child.violation != null) {
                violation = child.violation;
                trace = describe(depth + 1);
                throw new Found();
            }
            if (scenario.dedupe()) {
                long fp = child.fingerprint();
                int seen = visited.get(fp);
                if (seen >= 0 && seen <= depth + 1) {
                    dedupHits++;
                    continue;
                }
                visited.put(fp, depth + 1);
            }
            visit(child, depth + 1);
        }
    }

    private World replay(int length) {
        World w = new World();
        for (int i = 0; i < length; i++) {
            w.apply(path[i]);
        }
        replayedSteps += length;
        return w;
    }

    private List<String> describe(int length) {
        World w = new World();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            out.add((i + 1) + ". " + w.describe(path[i]));
            w.apply(path[i]);
        }
        return out;
    }

    static int action(int kind, int arg) {
        return kind << 16 | arg;
    }

    /** One state of the system, rebuilt by replay. */
    final class World implements ReplicaObserver {
        final Replica[] replicas = new Replica[3];
        final long[] clock = new long[3];
        final long[] wakeAt = {NEVER, NEVER, NEVER};
        final SimRandom[] random = new SimRandom[3];
        final long[] history = new long[3];
        /** What each replica persisted, in order, starting with its identity: what a crash keeps. */
        final List<List<DurableRecord>> durable = new ArrayList<>();
        final Ballot[] promised = new Ballot[3];
        final long[] checkedApplied = {-1, -1, -1};
        final Configuration[] nextConfiguration = new Configuration[3];
        final List<Envelope> inflight = new ArrayList<>();
        final List<Long> inflightHash = new ArrayList<>();
        final boolean[] submitted = new boolean[scenario.requests().size()];
        final TreeMap<Long, Batch> chosen = new TreeMap<>();
        final Map<Long, String> digests = new HashMap<>();
        final Map<Integer, Reply.Applied> applied = new HashMap<>();
        int drops;
        int dups;
        int wakeups;
        int crashes;
        int amnesias;
        /** Some replica applied a slot whose configuration is not the founding one. */
        boolean reconfigured;
        String violation;

        World() {
            for (int n = 0; n < 3; n++) {
                replicas[n] = Replica.create(scenario.config(), CELL, members[n], configuration, this);
                random[n] = new SimRandom(1000 + n);
                durable.add(new ArrayList<>(List.of(replicas[n].identityRecord())));
                promised[n] = replicas[n].promised();
                history[n] = mix(n + 1);
            }
        }

        // ---- observer ----
        @Override
        public void chosen(String cell, Member self, long slot, Batch value) {
            Batch prior = chosen.putIfAbsent(slot, value);
            if (prior != null && !prior.equals(value)) {
                fail("two values chosen for slot " + slot + ": " + prior + " and " + value + " (learned by " + self
                        + ")");
            }
        }

        void fail(String what) {
            if (violation == null) {
                violation = what;
            }
        }

        int appliedReplies() {
            return applied.size();
        }

        List<Integer> actions() {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < submitted.length; i++) {
                if (!submitted[i]) {
                    out.add(action(SUBMIT, i));
                }
            }
            List<Integer> distinct = new ArrayList<>();
            for (int k = 0; k < inflight.size(); k++) {
                if (inflightHash.indexOf(inflightHash.get(k)) == k) { // same content hash: same message
                    distinct.add(k);
                }
            }
            for (int k : distinct) {
                out.add(action(DELIVER, k));
            }
            if (drops < scenario.maxDrops()) {
                for (int k : distinct) {
                    out.add(action(DROP, k));
                }
            }
            if (dups < scenario.maxDups()) {
                for (int k : distinct) {
                    out.add(action(DUP, k));
                }
            }
            if (wakeups < scenario.maxWakeups()) {
                for (int n = 0; n < 3; n++) {
                    if (wakeAt[n] != NEVER) {
                        out.add(action(WAKE, n));
                    }
                }
            }
            if (crashes < scenario.maxCrashes()) {
                for (int n = 0; n < 3; n++) {
                    out.add(action(CRASH, n));
                }
            }
            if (amnesias < scenario.maxAmnesia()) {
                for (int n = 0; n < 3; n++) {
                    out.add(action(AMNESIA, n));
                }
            }
            return out;
        }

        String describe(int a) {
            int kind = a >>> 16;
            int arg = a & 0xffff;
            return switch (kind) {
                case SUBMIT -> "submit " + scenario.requests().get(arg) + " at " + members[scenario.requests()
                        .get(arg).at()];
                case DELIVER, DROP, DUP -> KIND[kind] + " " + inflight.get(arg);
                case WAKE -> "wakeup " + members[arg] + " at t=" + Math.max(clock[arg], wakeAt[arg]);
                default -> KIND[kind] + " " + members[arg];
            };
        }

        void apply(int a) {
            int kind = a >>> 16;
            int arg = a & 0xffff;
            switch (kind) {
                case SUBMIT -> {
                    submitted[arg] = true;
                    Scenario.Request r = scenario.requests().get(arg);
                    int n = r.at();
                    record(n, 31L * (arg + 1));
                    step(n, replicas[n].onClientRequest(new ClientRequest.Submit(arg + 1, r.command(arg)), ctx(n)));
                }
                case DELIVER -> {
                    Envelope e = inflight.remove(arg);
                    long h = inflightHash.remove(arg);
                    int n = index(e.to());
                    record(n, h);
                    step(n, replicas[n].onMessage(e, ctx(n)));
                }
                case DROP -> {
                    inflight.remove(arg);
                    inflightHash.remove(arg);
                    drops++;
                }
                case DUP -> {
                    inflight.add(inflight.get(arg));
                    inflightHash.add(inflightHash.get(arg));
                    dups++;
                }
                case WAKE -> {
                    wakeups++;
                    clock[arg] = Math.max(clock[arg], wakeAt[arg]);
                    wakeAt[arg] = NEVER;
                    record(arg, 17L * clock[arg] + 5);
                    step(arg, replicas[arg].onWakeup(ctx(arg)));
                }
                case CRASH -> {
                    crashes++;
                    record(arg, 0xC4A5EL);
                    wakeAt[arg] = NEVER;
                    checkedApplied[arg] = -1;
                    nextConfiguration[arg] = null;
                    replicas[arg] = Replica.recover(scenario.config(), List.copyOf(durable.get(arg)), this,
                            ctx(arg));
                    step(arg, replicas[arg].start(ctx(arg)));
                }
                case AMNESIA -> {
                    amnesias++;
                    record(arg, 0xA11CEL);
                    replicas[arg] = Replica.create(scenario.config(), CELL, members[arg], configuration, this);
                    durable.set(arg, new ArrayList<>(List.of(replicas[arg].identityRecord())));
                    wakeAt[arg] = NEVER;
                    promised[arg] = replicas[arg].promised(); // the broken node forgot: do not flag that
                    checkedApplied[arg] = -1;
                    nextConfiguration[arg] = null;
                }
                default -> throw new IllegalArgumentException("action " + a);
            }
            check();
        }

        private Context ctx(int n) {
            return new Context(clock[n], random[n], peer -> true);
        }

        private int index(Member m) {
            for (int n = 0; n < 3; n++) {
                if (members[n].equals(m)) {
                    return n;
                }
            }
            throw new IllegalStateException("unknown member " + m);
        }

        private void record(int n, long input) {
            history[n] = mix(history[n] * 0x9E3779B97F4A7C15L + input + clock[n]);
        }

        private void step(int n, Effects fx) {
            if (fx.stoppedReason() != null) {
                fail(members[n] + " stopped: " + fx.stoppedReason());
            }
            // persist(): durable the moment the step returns, so sends are released at once
            durable.get(n).addAll(fx.persist());
            for (Envelope e : fx.send()) {
                inflight.add(e);
                inflightHash.add(hash(e));
            }
            for (Reply r : fx.replies()) {
                onReply(n, r);
            }
            wakeAt[n] = fx.wakeupAtMillis();
            if (!fx.ownVotes().isEmpty()) {
                step(n, replicas[n].onOwnVotesDurable(fx.ownVotes(), ctx(n))); // durable at once, so counted at once
            }
        }

        private void onReply(int n, Reply r) {
            if (!(r instanceof Reply.Applied a)) {
                return; // Redirect, OutcomeUnknown, ...: make no claim about the log
            }
            int req = (int) a.requestId() - 1;
            if (req < 0 || req >= submitted.length || !submitted[req]) {
                fail(members[n] + " answered a request never submitted: " + r);
                return;
            }
            Batch atSlot = chosen.get(a.slot());
            if (atSlot == null) {
                fail(members[n] + " replied Applied at slot " + a.slot() + " before any replica learned it: " + r);
            } else if (!atSlot.commands().contains(scenario.requests().get(req).command(req))) {
                fail(members[n] + " replied Applied at slot " + a.slot() + " but the chosen value there is " + atSlot
                        + ": " + r);
            }
            Reply.Applied prior = applied.putIfAbsent(req, a);
            if (prior != null && (prior.slot() != a.slot() || !prior.result().equals(a.result()))) {
                fail("two different Applied replies to request " + (req + 1) + ": " + prior + " and " + a);
            }
        }

        private void check() {
            for (int n = 0; n < 3; n++) {
                Replica r = replicas[n];
                if (r.stoppedReason() != null) {
                    fail(members[n] + " stopped: " + r.stoppedReason());
                }
                if (promised[n].isAfter(r.promised())) {
                    fail(members[n] + " promise went back from " + promised[n] + " to " + r.promised());
                }
                promised[n] = r.promised();
                if (checkedApplied[n] == r.appliedUpTo()) {
                    continue; // the applied state changes only with appliedUpTo
                }
                checkedApplied[n] = r.appliedUpTo();
                // The history keeps only the configurations from the next slot on, so the slot just
                // applied is judged by what the last check saw as the next slot's configuration.
                if (nextConfiguration[n] != null && !nextConfiguration[n].equals(configuration)) {
                    reconfigured = true;
                }
                nextConfiguration[n] = r.state().configFor(r.appliedUpTo());
                for (long s = 0; s < r.appliedUpTo(); s++) {
                    Batch mine = r.chosenAt(s);
                    Batch theirs = chosen.get(s);
                    if (mine != null && theirs != null && !mine.equals(theirs)) {
                        fail(members[n] + " holds " + mine + " at slot " + s + " but " + theirs + " was chosen");
                    }
                }
                String digest = List.of(r.state().revision(), r.state().data().entries(), r.state().leases(),
                        r.state().latestConfiguration()).toString();
                String prior = digests.putIfAbsent(r.appliedUpTo(), digest);
                if (prior != null && !prior.equals(digest)) {
                    fail(members[n] + " has a different state after applying slots below " + r.appliedUpTo() + ": "
                            + digest + " vs " + prior);
                }
            }
        }

        long fingerprint() {
            long h = mix(history[0]) ^ Long.rotateLeft(mix(history[1] + 1), 21) ^ Long.rotateLeft(mix(history[2] + 2),
                    42);
            long bag = 0;
            for (long eh : inflightHash) {
                bag += mix(eh); // a multiset hash: order-insensitive, counts multiplicity
            }
            long misc = drops + 31L * (dups + 31L * (wakeups + 31L * (crashes + 31L * amnesias)));
            for (int i = 0; i < submitted.length; i++) {
                misc = misc * 3 + (submitted[i] ? 1 : 2);
            }
            return mix(h * 0x9E3779B97F4A7C15L + mix(bag) * 31 + misc);
        }
    }

    /**
     * A 64-bit hash of a message's content: the record's content hash code (32 bits) extended
     * with the fields that tell messages of one exploration apart. Printing messages to hash
     * them exactly cost most of the search time; see the class comment on hash compaction.
     */
    static long hash(Envelope e) {
        io.physalia.core.paxos.Message m = e.message();
        long extra = switch (m) {
            case io.physalia.core.paxos.Message.Prepare p -> p.ballot().round() * 7 + p.fromSlot();
            case io.physalia.core.paxos.Message.Promise p -> p.ballot().round() * 7 + p.accepted().size() * 131L;
            case io.physalia.core.paxos.Message.Nack n -> n.refused().round() * 7 + n.promised().round() * 131;
            case io.physalia.core.paxos.Message.Accept a -> a.ballot().round() * 7 + a.slot() * 131
                    + a.value().commands().size() * 8191L;
            case io.physalia.core.paxos.Message.Accepted a -> a.ballot().round() * 7 + a.slot() * 131;
            case io.physalia.core.paxos.Message.Commit c -> c.ballot().round() * 7;
            case io.physalia.core.paxos.Message.TeachLog t -> t.firstSlot() * 7 + t.values().size() * 131L;
            default -> 0;
        };
        long h = mix(m.getClass().getName().hashCode() * 0x9E3779B97F4A7C15L + e.from().hashCode() * 31L
                + e.to().hashCode());
        return mix(h ^ ((long) e.hashCode() << 32) ^ mix(extra * 1_000_003L + m.chosenUpTo()));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Open-addressing long -> non-negative int map (fingerprint -> smallest depth seen). */
    static final class LongIntMap {
        private long[] keys = new long[1 << 16];
        private int[] vals = new int[1 << 16];
        private boolean[] used = new boolean[1 << 16];
        private int size;

        int get(long k) {
            int mask = keys.length - 1;
            for (int i = (int) mix(k) & mask; used[i]; i = (i + 1) & mask) {
                if (keys[i] == k) {
                    return vals[i];
                }
            }
            return -1;
        }

        void put(long k, int v) {
            if (size * 2 >= keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = (int) mix(k) & mask;
            while (used[i] && keys[i] != k) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                used[i] = true;
                keys[i] = k;
                size++;
            }
            vals[i] = v;
        }

        private void grow() {
            long[] ok = keys;
            int[] ov = vals;
            boolean[] ou = used;
            keys = new long[ok.length * 2];
            vals = new int[ok.length * 2];
            used = new boolean[ok.length * 2];
            size = 0;
            for (int i = 0; i < ok.length; i++) {
                if (ou[i]) {
                    put(ok[i], ov[i]);
                }
            }
        }
    }

    // Deeper runs by hand: ExploreMain (simworld test sources) and docs/simulations.md.
}
