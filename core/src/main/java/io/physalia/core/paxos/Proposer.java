package io.physalia.core.paxos;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.LeaseState;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.Message.AcceptedEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The distinguished proposer. Elected on demand (a request arrives and no live leader is
 * known), it runs phase 1 once over every open slot, re-proposes what it found, then batches
 * queued commands into at most alpha slots in flight. It holds no timers while idle.
 */
final class Proposer {
    enum Phase { FOLLOWER, CANDIDATE, LEADER }

    private final Replica replica;
    private final ReplicaConfig config;
    private Phase phase = Phase.FOLLOWER;
    private Ballot ballot = Ballot.ZERO;
    private Ballot highestSeen = Ballot.ZERO;
    private Map<Member, Message.Promise> promises;
    private TreeMap<Long, AcceptedEntry> recovered;
    private long recoveryEnd;
    private long nextSlot;
    private TreeMap<Long, InFlight> inFlight;
    private ArrayDeque<Pending> queue;
    private long lastPrepareAt;
    private long backoffUntil;
    private long leaseUntil;
    private Configuration leaseConfig;
    private long activeUntil; // retransmit only while some client still waits
    private boolean needNewBallot;
    private boolean awaitingNewMembers;
    private long lastLeaseAskedAt = Long.MIN_VALUE / 2; // when we last sent Accepts asking for a lease // pump stopped at a configuration whose quorum has not promised
    private TreeMap<Long, List<Waiter>> pendingWaiters; // chosen slots not yet applied here

    private record Pending(long requestId, Command command, boolean isRead, long deadline) {}

    private record Waiter(long requestId, int index, boolean isRead, long deadline) {}

    private static final class InFlight {
        final Batch value;
        final List<Waiter> waiters;
        final Set<Member> votes = new HashSet<>();
        final long firstSentAt;
        long lastSentAt;

        InFlight(Batch value, List<Waiter> waiters, long now) {
            this.value = value;
            this.waiters = waiters;
            this.firstSentAt = now;
            this.lastSentAt = now;
        }
    }

    Proposer(Replica replica, ReplicaConfig config) {
        this.replica = replica;
        this.config = config;
    }

    Phase phase() {
        return phase;
    }

    Ballot ballot() {
        return ballot;
    }

    boolean isLeader() {
        return phase == Phase.LEADER;
    }

    /** Local linearizable reads: leader, recovery applied, lease held in the configuration in force. */
    boolean canReadLocally(long now) {
        long applied = replica.learner().chosenUpTo();
        return phase == Phase.LEADER && now < leaseUntil && applied >= recoveryEnd
                && replica.learner().state().configFor(applied).equals(leaseConfig)
                && replica.learner().state().latestConfiguration().equals(leaseConfig);
    }

    long leaseUntil() {
        return phase == Phase.LEADER ? leaseUntil : 0;
    }

    void noteBallot(Ballot b) {
        if (b.isAfter(highestSeen)) {
            highestSeen = b;
        }
    }

    // ---- requests ---------------------------------------------------------------------------

    /** Queues a command (or a read that must go through the log); answers OVERLOADED when full. */
    void enqueue(long requestId, Command command, boolean isRead, Step step) {
        if (queuedCount() >= config.maxQueuedCommands()) {
            step.fx.reply(new Reply.Overloaded(requestId, config.retransmitMillis() * 4));
            return;
        }
        if (queue == null) {
            queue = new ArrayDeque<>();
        }
        long deadline = step.now() + config.requestTimeoutMillis();
        queue.addLast(new Pending(requestId, command, isRead, deadline));
        activeUntil = Math.max(activeUntil, deadline);
        switch (phase) {
            case LEADER -> pump(step);
            case CANDIDATE -> { }
            case FOLLOWER -> campaign(step);
        }
    }

    private int queuedCount() {
        return queue == null ? 0 : queue.size();
    }

    // ---- phase 1 ----------------------------------------------------------------------------

    /** Starts (or restarts) phase 1 with a ballot above every ballot seen. */
    void campaign(Step step) {
        if (step.now() < backoffUntil) {
            phase = Phase.CANDIDATE;
            needNewBallot = true;
            return; // the wakeup at backoffUntil retries
        }
        needNewBallot = false;
        long from = replica.learner().chosenUpTo();
        if (!replica.isMemberAround(from)) {
            // Removed (or not yet in force): point the work at a member we know of. This is no
            // news about who leads, so the leader hint stays as it was.
            handOff(step, replica.someMember());
            return;
        }
        noteBallot(replica.acceptor().promised());
        ballot = Ballot.next(highestSeen, replica.self());
        highestSeen = ballot;
        phase = Phase.CANDIDATE;
        promises = new TreeMap<>();
        recovered = null;
        activeUntil = Math.max(activeUntil, step.now() + config.requestTimeoutMillis());
        sendPrepare(from, replica.membersAround(from), step);
    }

    /** Phase 1a from {@code fromSlot} to every member in {@code to} that has not promised yet. */
    private void sendPrepare(long fromSlot, Iterable<Member> to, Step step) {
        lastPrepareAt = step.now();
        Message.Prepare prepare = new Message.Prepare(ballot, fromSlot, replica.learner().chosenUpTo());
        for (Member m : to) {
            // (our own acceptor answers inline; a refusal there may end the campaign mid-loop)
            if (promises == null || !promises.containsKey(m)) {
                replica.deliverOrSend(m, prepare, step);
            }
        }
    }

    void onPromise(Member from, Message.Promise p, Step step) {
        if (phase == Phase.FOLLOWER || !p.ballot().equals(ballot) || promises == null || needNewBallot) {
            return; // not campaigning with this ballot (any more)
        }
        promises.put(from, p);
        for (AcceptedEntry e : p.accepted()) {
            mergeRecovered(e);
        }
        if (phase == Phase.CANDIDATE) {
            tryBecomeLeader(step);
        } else {
            pump(step);
        }
    }

    private void mergeRecovered(AcceptedEntry e) {
        if (phase == Phase.LEADER && e.slot() < nextSlot) {
            return; // already proposed under this ballot, safely, from an earlier quorum
        }
        if (recovered == null) {
            recovered = new TreeMap<>();
        }
        AcceptedEntry cur = recovered.get(e.slot());
        if (cur == null || e.ballot().isAfter(cur.ballot())) {
            recovered.put(e.slot(), e);
        }
        if (phase == Phase.LEADER) {
            recoveryEnd = Math.max(recoveryEnd, e.slot() + 1);
        }
    }

    private void tryBecomeLeader(Step step) {
        long from = replica.learner().chosenUpTo();
        for (Configuration c : replica.configsAround(from)) {
            if (!c.isQuorum(promises.keySet())) {
                return;
            }
        }
        long behind = promises.values().stream().mapToLong(Message.Promise::chosenUpTo).max().orElse(from);
        if (behind > from) {
            // Some promiser knows chosen slots we do not: learn them before proposing anything.
            Member teacher = promises.entrySet().stream().filter(e -> e.getValue().chosenUpTo() == behind)
                    .findFirst().orElseThrow().getKey();
            replica.requestTeaching(teacher, step, true);
            return;
        }
        phase = Phase.LEADER;
        replica.setLeaderHint(replica.self().node(), step.now());
        nextSlot = from;
        recoveryEnd = from;
        if (recovered != null) {
            recovered.headMap(from).clear();
            if (!recovered.isEmpty()) {
                recoveryEnd = recovered.lastKey() + 1;
            }
        }
        leaseUntil = 0;
        pump(step);
    }

    /** Called when the learner advanced while campaigning (teaching caught us up). */
    void onLearned(Step step) {
        if (phase == Phase.CANDIDATE && promises != null) {
            tryBecomeLeader(step);
        } else if (phase == Phase.LEADER) {
            long chosen = replica.learner().chosenUpTo();
            if (nextSlot < chosen || inFlight != null && inFlight.firstKey() < chosen) {
                // Someone taught us slots we had not proposed yet, or that we were still
                // proposing: another proposer got ahead of us.
                stepDown(step, null);
                return;
            }
            pump(step);
        }
    }

    // ---- phase 2 ----------------------------------------------------------------------------

    /** Proposes into every open slot of the window: recovered values first, then batches. */
    void pump(Step step) {
        awaitingNewMembers = false;
        while (phase == Phase.LEADER && nextSlot < replica.learner().chosenUpTo() + config.alpha()) {
            Configuration c = replica.learner().state().configFor(nextSlot);
            if (!c.contains(replica.self())) {
                // Removed from the cell from this slot on. Slots already proposed under the old
                // configuration must be chosen first: stepping down now would drop them, and a
                // retry would bring us back to propose them again, forever.
                if (inFlight == null) {
                    stepDown(step, null);
                }
                return;
            }
            if (!c.isQuorum(promises.keySet())) {
                awaitingNewMembers = true;
                prepareNewMembers(c, step);
                return;
            }
            Batch value;
            List<Waiter> waiters = new ArrayList<>();
            if (nextSlot < recoveryEnd) {
                AcceptedEntry e = recovered == null ? null : recovered.remove(nextSlot);
                value = e == null ? Batch.NOOP : e.value();
            } else if (queuedCount() > 0) {
                value = takeBatch(waiters, step);
            } else if (nextSlot < replica.learner().state().pendingChangeFrom(nextSlot)) {
                // A membership change is chosen but counts only from a later slot: fill the few
                // slots before it with no-ops so it takes effect now, not at the next write
                // (the control plane waits for it before its next step). See docs/adr/0001.
                value = Batch.NOOP;
            } else {
                return;
            }
            propose(nextSlot++, value, waiters, c, step);
        }
    }

    /** A configuration took effect whose quorum did not promise yet: prepare its new members. */
    private void prepareNewMembers(Configuration c, Step step) {
        if (step.now() < lastPrepareAt + config.retransmitMillis() && lastPrepareAt != 0) {
            return;
        }
        sendPrepare(nextSlot, c.members(), step);
    }

    private Batch takeBatch(List<Waiter> waiters, Step step) {
        List<Command> commands = new ArrayList<>();
        int max = config.limits().maxCommandsPerBatch();
        while (queue != null && !queue.isEmpty() && commands.size() < max) {
            Pending p = queue.pollFirst();
            waiters.add(new Waiter(p.requestId(), commands.size(), p.isRead(), p.deadline()));
            commands.add(attest(p.command(), step.now()));
        }
        return new Batch(commands);
    }

    /**
     * A lease held by someone else may be taken over only after this proposer has watched that
     * exact grant for three of its durations on its own clock (no clock runs 3x faster than
     * another, so the holder's own clock has surely run out).
     */
    private Command attest(Command c, long now) {
        if (!(c instanceof Command.LeaseAcquire a)) {
            return c;
        }
        LeaseState cur = replica.learner().state().lease(a.lease());
        long version = 0;
        if (cur != null && !cur.holder().equals(a.holder())
                && replica.leaseWatchedFor(a.lease(), cur.version(), now)
                        >= ReplicaConfig.CLOCK_RATE_BOUND * cur.durationMillis()) {
            version = cur.version();
        }
        return new Command.LeaseAcquire(a.clientId(), a.seq(), a.lease(), a.holder(), a.durationMillis(), version);
    }

    private void propose(long slot, Batch value, List<Waiter> waiters, Configuration c, Step step) {
        InFlight f = new InFlight(value, waiters, step.now());
        if (inFlight == null) {
            inFlight = new TreeMap<>();
        }
        inFlight.put(slot, f);
        replica.observer().proposed(replica.cell(), replica.self(), slot, value, inFlight.size(), config.alpha());
        sendAccepts(slot, f, c, step);
    }

    /**
     * Whether some acceptor may still honour a lease it granted us: we asked for one within
     * the last three lease lengths (a liveness guess; safety never depends on it).
     */
    private boolean mayHoldLease(long now) {
        return config.leaderLeaseMillis() > 0
                && now < lastLeaseAskedAt + ReplicaConfig.CLOCK_RATE_BOUND * config.leaderLeaseMillis();
    }

    private void sendAccepts(long slot, InFlight f, Configuration c, Step step) {
        lastLeaseAskedAt = step.now();
        Message.Accept accept = new Message.Accept(ballot, slot, f.value, config.leaderLeaseMillis(),
                replica.learner().chosenUpTo());
        for (Member m : c.members()) {
            if (!f.votes.contains(m)) {
                replica.deliverOrSend(m, accept, step);
            }
        }
    }

    void onAccepted(Member from, Message.Accepted a, Step step) {
        if (phase != Phase.LEADER || !a.ballot().equals(ballot) || inFlight == null
                || a.slot() < replica.learner().chosenUpTo()) {
            return;
        }
        InFlight f = inFlight.get(a.slot());
        if (f == null) {
            return;
        }
        Configuration c = replica.learner().state().configFor(a.slot());
        if (!c.contains(from)) {
            return;
        }
        f.votes.add(from);
        if (!c.isQuorum(f.votes)) {
            return;
        }
        inFlight.remove(a.slot());
        if (inFlight.isEmpty()) {
            inFlight = null;
        }
        if (config.leaderLeaseMillis() > 0) {
            leaseUntil = Math.max(leaseUntil, f.firstSentAt + config.leaderLeaseMillis());
            leaseConfig = c;
        }
        if (!f.waiters.isEmpty()) {
            if (pendingWaiters == null) {
                pendingWaiters = new TreeMap<>();
            }
            pendingWaiters.put(a.slot(), f.waiters);
        }
        replica.learnChosen(a.slot(), f.value, step);
        if (inFlight == null && phase == Phase.LEADER) {
            replica.broadcastCommit(ballot, step);
        }
        pump(step);
    }

    /** Answers the clients whose commands were in a slot this leader saw applied. */
    void onApplied(Learner.Applied a, Step step) {
        List<Waiter> ws = pendingWaiters == null ? null : pendingWaiters.remove(a.slot());
        if (ws == null) {
            return;
        }
        if (pendingWaiters.isEmpty()) {
            pendingWaiters = null;
        }
        for (Waiter w : ws) {
            CommandResult r = a.results().get(w.index());
            if (w.isRead() && r instanceof CommandResult.Txn t) {
                step.fx.reply(new Reply.ReadResult(w.requestId(), t.result(), a.slot() + 1, false));
            } else {
                step.fx.reply(new Reply.Applied(w.requestId(), r, a.slot()));
            }
        }
    }

    void onNack(Message.Nack n, Step step) {
        if (phase == Phase.FOLLOWER || !n.refused().equals(ballot)) {
            return;
        }
        noteBallot(n.promised());
        if (phase == Phase.LEADER && n.promised().isAfter(ballot) && mayHoldLease(step.now())) {
            // Acceptors may still refuse everyone but us on our lease, so the rival cannot win
            // phase 1: it only took this one acceptor. Take it back with a higher ballot rather
            // than hand clients to a proposer that cannot lead until our lease runs out.
            loseInFlight(step, replica.self().node());
            campaign(step);
            return;
        }
        NodeId rival = n.promised().proposer().node();
        boolean rivalLeads = n.promised().isAfter(ballot) || n.leaseMillisLeft() > 0;
        if (rivalLeads && !rival.equals(replica.self().node()) && replica.isAlive(rival, step)) {
            stepDown(step, rival);
            return;
        }
        // Refused by a rival we cannot reach, a lease or a restart quarantine: keep the queue and
        // try again with a higher ballot after a random backoff (the jitter breaks duels).
        loseInFlight(step, null);
        long wait = n.leaseMillisLeft() > 0 ? Math.min(n.leaseMillisLeft(), config.electionBackoffMaxMillis())
                : 1 + step.ctx.random().nextLong(config.electionBackoffMaxMillis());
        backoffUntil = step.now() + wait;
        phase = Phase.CANDIDATE;
        needNewBallot = true;
        promises = null;
        recovered = null;
        leaseUntil = 0;
    }

    /** Proposals in flight may or may not be chosen by whoever leads next. */
    private void loseInFlight(Step step, NodeId hint) {
        if (inFlight != null) {
            for (InFlight f : inFlight.values()) {
                for (Waiter w : f.waiters) {
                    step.fx.reply(new Reply.OutcomeUnknown(w.requestId(), hint));
                }
            }
            inFlight = null;
        }
        if (pendingWaiters != null) {
            for (List<Waiter> ws : pendingWaiters.values()) {
                for (Waiter w : ws) {
                    step.fx.reply(new Reply.OutcomeUnknown(w.requestId(), hint));
                }
            }
            pendingWaiters = null;
        }
    }

    /** Another proposer took over: pending work goes to it, in-flight work has an unknown outcome. */
    void stepDown(Step step, NodeId hint) {
        handOff(step, hint);
        if (hint != null) {
            replica.setLeaderHint(hint, step.now());
        }
    }

    /** Gives up leading or campaigning: queued requests are redirected to {@code hint}. */
    private void handOff(Step step, NodeId hint) {
        loseInFlight(step, hint);
        if (queue != null) {
            for (Pending p : queue) {
                step.fx.reply(new Reply.Redirect(p.requestId(), hint));
            }
            queue = null;
        }
        phase = Phase.FOLLOWER;
        needNewBallot = false;
        promises = null;
        recovered = null;
        leaseUntil = 0;
    }

    // ---- time -------------------------------------------------------------------------------

    /** Retransmits, retries and timeouts; returns the next time this proposer needs a wakeup. */
    long onWakeup(Step step) {
        long now = step.now();
        expireRequests(step);
        boolean active = now < activeUntil;
        if (phase == Phase.CANDIDATE) {
            if (!active) {
                phase = Phase.FOLLOWER;
                promises = null;
                needNewBallot = false;
            } else if (needNewBallot || promises == null) {
                if (now >= backoffUntil) {
                    campaign(step);
                }
            } else if (now >= lastPrepareAt + config.retransmitMillis()) {
                retransmitPrepare(step);
            }
        } else if (phase == Phase.LEADER && active && inFlight != null) {
            for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
                InFlight f = e.getValue();
                if (now >= f.lastSentAt + config.retransmitMillis()) {
                    f.lastSentAt = now;
                    sendAccepts(e.getKey(), f, replica.learner().state().configFor(e.getKey()), step);
                }
            }
        }
        if (phase == Phase.LEADER && active) {
            pump(step);
        }
        return nextWakeup(now);
    }

    private void retransmitPrepare(Step step) {
        long from = replica.learner().chosenUpTo();
        sendPrepare(from, replica.membersAround(from), step);
    }

    long nextWakeup(long now) {
        long next = Effects.NEVER;
        if (now >= activeUntil) {
            return next;
        }
        if (phase == Phase.CANDIDATE) {
            next = Math.min(next, needNewBallot || promises == null ? backoffUntil
                    : lastPrepareAt + config.retransmitMillis());
        }
        if (phase == Phase.LEADER && inFlight != null) {
            for (InFlight f : inFlight.values()) {
                next = Math.min(next, f.lastSentAt + config.retransmitMillis());
            }
        }
        if (phase == Phase.LEADER && awaitingNewMembers) {
            next = Math.min(next, lastPrepareAt + config.retransmitMillis());
        }
        if (queue != null && !queue.isEmpty()) {
            next = Math.min(next, queue.peekFirst().deadline());
        }
        for (InFlight f : inFlight == null ? List.<InFlight>of() : inFlight.values()) {
            for (Waiter w : f.waiters) {
                next = Math.min(next, w.deadline());
            }
        }
        return Math.min(next, activeUntil);
    }

    private void expireRequests(Step step) {
        long now = step.now();
        if (queue != null) {
            for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (now >= p.deadline()) {
                    it.remove();
                    step.fx.reply(new Reply.Unavailable(p.requestId(), "timed out waiting for a quorum; not applied"));
                }
            }
        }
        if (inFlight != null) {
            for (InFlight f : inFlight.values()) {
                for (Iterator<Waiter> it = f.waiters.iterator(); it.hasNext(); ) {
                    Waiter w = it.next();
                    if (now >= w.deadline()) {
                        it.remove();
                        step.fx.reply(new Reply.OutcomeUnknown(w.requestId(), replica.self().node()));
                    }
                }
            }
        }
    }

}
