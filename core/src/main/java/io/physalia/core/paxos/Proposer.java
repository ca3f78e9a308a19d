package io.physalia.core.paxos;

import io.physalia.core.Invariants;
import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.LeaseState;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.Message.AcceptedEntry;
import io.physalia.core.paxos.ProposerPhase.Candidate;
import io.physalia.core.paxos.ProposerPhase.Follower;
import io.physalia.core.paxos.ProposerPhase.InFlight;
import io.physalia.core.paxos.ProposerPhase.Leader;
import io.physalia.core.paxos.ProposerPhase.Waiter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The distinguished proposer. Elected on demand (a request arrives and no live leader is
 * known), it runs phase 1 once over every open slot, re-proposes what it found, then batches
 * queued commands into at most alpha slots in flight. It holds no timers while idle. Its phase
 * ({@link ProposerPhase}: follower, candidate, leader) changes only in {@link #becomeFollower},
 * {@link #becomeCandidate} and {@link #becomeLeader}, which check each phase's invariants.
 */
final class Proposer {
    private final Replica replica;
    private final ReplicaConfig config;
    private ProposerPhase phase = Follower.INITIAL;
    private Ballot highestSeen = Ballot.ZERO;
    private ArrayDeque<Pending> queue; // requests waiting for a slot, in any phase; allocated on first use
    private long activeUntilMillis; // retransmit only while some client still waits
    // When we last sent Accepts (asking for a lease). Acceptors grant a lease to this member, not
    // to one ballot, so it outlives the leadership that asked.
    private long lastLeaseAskedAtMillis = Long.MIN_VALUE / 2;

    private record Pending(long requestId, Command command, boolean isRead, long deadlineMillis) {}

    Proposer(Replica replica, ReplicaConfig config) {
        this.replica = replica;
        this.config = config;
    }

    ProposerPhase phase() {
        return phase;
    }

    boolean isLeader() {
        return phase instanceof Leader;
    }

    boolean isFollower() {
        return phase instanceof Follower;
    }

    /** Whether {@code b} beats the ballot this proposer campaigns or leads with (never while following). */
    boolean isOutbidBy(Ballot b) {
        return !(phase instanceof Follower) && b.isAfter(phase.ballot());
    }

    /** Local linearizable reads: leader, recovery applied, lease held in the configuration in force. */
    boolean canReadLocally(long now) {
        long applied = replica.learner().chosenUpTo();
        return phase instanceof Leader l && now < l.leaseUntilMillis && applied >= l.recoveryEnd
                && replica.learner().state().configFor(applied).equals(l.leaseConfig)
                && replica.learner().state().latestConfiguration().equals(l.leaseConfig);
    }

    long leaseUntilMillis() {
        return phase instanceof Leader l ? l.leaseUntilMillis : 0;
    }

    void noteBallot(Ballot b) {
        if (b.isAfter(highestSeen)) {
            highestSeen = b;
        }
    }

    // ---- phases -----------------------------------------------------------------------------

    private void becomeFollower(Follower f) {
        Invariants.check(queuedCount() == 0, "a follower keeps no queued requests (%d queued)", queuedCount());
        Invariants.check(!(phase instanceof Leader l) || l.inFlight.isEmpty() && l.pendingWaiters.isEmpty(),
                "a leader steps down only after answering every client it proposed for");
        phase = f;
    }

    private Candidate becomeCandidate(Candidate c, Step step) {
        if (c.backingOff) {
            Invariants.check(c.backoffUntilMillis > step.now(), "a refused candidate backs off into the future");
        } else {
            Invariants.check(c.ballot.isAfter(highestSeen) && c.ballot.proposer().equals(replica.member()),
                    "candidate ballot %s must be our own and above every ballot seen (%s)", c.ballot, highestSeen);
            highestSeen = c.ballot;
        }
        phase = c;
        return c;
    }

    private Leader becomeLeader(Candidate won, Step step) {
        long from = replica.learner().chosenUpTo();
        Invariants.check(phase == won && !won.backingOff, "only the campaigning candidate may lead");
        Invariants.check(won.ballot.isAtLeast(replica.acceptor().promised()),
                "leader ballot %s is below our acceptor's promise %s", won.ballot, replica.acceptor().promised());
        for (Message.Promise p : won.promises.values()) {
            Invariants.check(p.ballot().equals(won.ballot), "a promise for %s counted for %s", p.ballot(), won.ballot);
        }
        for (Configuration c : replica.configsAround(from)) {
            Invariants.check(c.isQuorum(won.promises.keySet()), "leading without a quorum of %s", c);
        }
        Leader l = new Leader(won, from);
        Invariants.check(l.nextSlot >= replica.learner().chosenUpTo(), "next slot %d is below the chosen prefix %d",
                l.nextSlot, replica.learner().chosenUpTo());
        Invariants.check(l.inFlight.size() <= config.alpha(), "more than alpha slots in flight");
        phase = l;
        replica.setLeaderHint(replica.member().node(), step.now());
        return l;
    }

    /** The backoff a new campaign must wait out (a leader has none: it campaigned after its last one). */
    private long backoffUntilMillis() {
        return switch (phase) {
            case Follower f -> f.backoffUntilMillis();
            case Candidate c -> c.backoffUntilMillis;
            case Leader l -> ProposerPhase.NO_BACKOFF;
        };
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
        long deadlineMillis = step.now() + config.requestTimeoutMillis();
        queue.addLast(new Pending(requestId, command, isRead, deadlineMillis));
        activeUntilMillis = Math.max(activeUntilMillis, deadlineMillis);
        switch (phase) {
            case Leader l -> pump(step);
            case Candidate c -> { }
            case Follower f -> campaign(step);
        }
    }

    private int queuedCount() {
        return queue == null ? 0 : queue.size();
    }

    // ---- phase 1 ----------------------------------------------------------------------------

    /** Starts (or restarts) phase 1 with a ballot above every ballot seen. */
    void campaign(Step step) {
        long backoffUntil = backoffUntilMillis();
        if (step.now() < backoffUntil) {
            becomeCandidate(Candidate.backingOff(phase.ballot(), backoffUntil), step);
            return; // the wakeup at backoffUntil retries
        }
        long from = replica.learner().chosenUpTo();
        if (!replica.isMemberAround(from)) {
            // Removed (or not yet in force): point the work at a member we know of. This is no
            // news about who leads, so the leader hint stays as it was.
            handOff(step, replica.someMember());
            return;
        }
        noteBallot(replica.acceptor().promised());
        becomeCandidate(Candidate.campaigning(Ballot.next(highestSeen, replica.member()), backoffUntil), step);
        activeUntilMillis = Math.max(activeUntilMillis, step.now() + config.requestTimeoutMillis());
        sendPrepare(from, replica.membersAround(from), step);
    }

    /** Phase 1a from {@code fromSlot} to every member in {@code to} that has not promised yet. */
    private void sendPrepare(long fromSlot, Iterable<Member> to, Step step) {
        switch (phase) {
            case Candidate c -> c.lastPrepareAtMillis = step.now();
            case Leader l -> l.lastPrepareAtMillis = step.now();
            case Follower f -> Invariants.check(false, "a follower sends no Prepare");
        }
        Message.Prepare prepare = new Message.Prepare(phase.ballot(), fromSlot, replica.learner().chosenUpTo());
        for (Member m : to) {
            // (our own acceptor answers inline; a refusal there may end the campaign mid-loop)
            if (!hasPromiseFrom(m)) {
                replica.deliverOrSend(m, prepare, step);
            }
        }
    }

    private boolean hasPromiseFrom(Member m) {
        return switch (phase) {
            case Follower f -> false;
            case Candidate c -> c.promises.containsKey(m);
            case Leader l -> l.promises.containsKey(m);
        };
    }

    void onPromise(Member from, Message.Promise p, Step step) {
        switch (phase) {
            case Candidate c when !c.backingOff && p.ballot().equals(c.ballot) -> {
                c.promises.put(from, p);
                p.accepted().forEach(c::recover);
                tryBecomeLeader(c, step);
            }
            case Leader l when p.ballot().equals(l.ballot) -> {
                l.promises.put(from, p); // a member of a configuration that took effect while leading
                p.accepted().forEach(l::recover);
                pump(step);
            }
            default -> { } // not campaigning with this ballot (any more)
        }
    }

    private void tryBecomeLeader(Candidate c, Step step) {
        long from = replica.learner().chosenUpTo();
        for (Configuration cfg : replica.configsAround(from)) {
            if (!cfg.isQuorum(c.promises.keySet())) {
                return;
            }
        }
        long behind = c.promises.values().stream().mapToLong(Message.Promise::chosenUpTo).max().orElse(from);
        if (behind > from) {
            // Some promiser knows chosen slots we do not: learn them before proposing anything.
            Member teacher = c.promises.entrySet().stream().filter(e -> e.getValue().chosenUpTo() == behind)
                    .findFirst().orElseThrow().getKey();
            replica.requestTeaching(teacher, step, true);
            return;
        }
        becomeLeader(c, step);
        pump(step);
    }

    /** Called when the learner advanced while campaigning (teaching caught us up). */
    void onLearned(Step step) {
        switch (phase) {
            case Candidate c when !c.backingOff -> tryBecomeLeader(c, step);
            case Leader l -> {
                long chosen = replica.learner().chosenUpTo();
                if (l.nextSlot < chosen || !l.inFlight.isEmpty() && l.inFlight.firstKey() < chosen) {
                    // Someone taught us slots we had not proposed yet, or that we were still
                    // proposing: another proposer got ahead of us.
                    stepDown(step, null);
                    return;
                }
                pump(step);
            }
            default -> { }
        }
    }

    // ---- phase 2 ----------------------------------------------------------------------------

    /** Proposes into every open slot of the window: recovered values first, then batches. */
    void pump(Step step) {
        if (phase instanceof Leader l) {
            l.awaitingNewMembers = false;
        }
        // (re-read the phase each round: our own acceptor answers inline and may end this leadership)
        while (phase instanceof Leader l && l.nextSlot < replica.learner().chosenUpTo() + config.alpha()) {
            Configuration c = replica.learner().state().configFor(l.nextSlot);
            if (!c.contains(replica.member())) {
                // Removed from the cell from this slot on. Slots already proposed under the old
                // configuration must be chosen first: stepping down now would drop them, and a
                // retry would bring us back to propose them again, forever.
                if (l.inFlight.isEmpty()) {
                    stepDown(step, null);
                }
                return;
            }
            if (!c.isQuorum(l.promises.keySet())) {
                l.awaitingNewMembers = true;
                prepareNewMembers(l, c, step);
                return;
            }
            Batch value;
            List<Waiter> waiters = new ArrayList<>();
            if (l.nextSlot < l.recoveryEnd) {
                AcceptedEntry e = l.recovered.remove(l.nextSlot);
                value = e == null ? Batch.NOOP : e.value();
            } else if (queuedCount() > 0) {
                value = takeBatch(waiters, step);
            } else if (l.nextSlot < replica.learner().state().pendingChangeFrom(l.nextSlot)) {
                // A membership change is chosen but counts only from a later slot: fill the few
                // slots before it with no-ops so it takes effect now, not at the next write
                // (the control plane waits for it before its next step). See docs/adr/0001.
                value = Batch.NOOP;
            } else {
                return;
            }
            propose(l, l.nextSlot++, value, waiters, c, step);
        }
    }

    /** A configuration took effect whose quorum did not promise yet: prepare its new members. */
    private void prepareNewMembers(Leader l, Configuration c, Step step) {
        if (step.now() < l.lastPrepareAtMillis + config.retransmitMillis() && l.lastPrepareAtMillis != 0) {
            return;
        }
        sendPrepare(l.nextSlot, c.members(), step);
    }

    private Batch takeBatch(List<Waiter> waiters, Step step) {
        List<Command> commands = new ArrayList<>();
        int max = config.limits().maxCommandsPerBatch();
        while (queue != null && !queue.isEmpty() && commands.size() < max) {
            Pending p = queue.pollFirst();
            waiters.add(new Waiter(p.requestId(), commands.size(), p.isRead(), p.deadlineMillis()));
            commands.add(attest(p.command(), step.now()));
        }
        return new Batch(commands);
    }

    /**
     * A lease held by someone else may be taken over only after this proposer has watched that
     * exact grant for the clock-rate bound times its duration on its own clock (no clock runs
     * that much faster than another, so the holder's own clock has surely run out).
     */
    private Command attest(Command c, long now) {
        if (!(c instanceof Command.LeaseAcquire a)) {
            return c;
        }
        LeaseState cur = replica.learner().state().lease(a.lease());
        long version = 0;
        if (cur != null && !cur.holder().equals(a.holder())
                && replica.leaseWatchedForMillis(a.lease(), cur.version(), now)
                        >= config.leaseRefusalMillis(cur.durationMillis())) {
            version = cur.version();
        }
        return new Command.LeaseAcquire(a.clientId(), a.seq(), a.lease(), a.holder(), a.durationMillis(), version);
    }

    private void propose(Leader l, long slot, Batch value, List<Waiter> waiters, Configuration c, Step step) {
        Invariants.check(slot >= replica.learner().chosenUpTo(), "proposing at slot %d below the chosen prefix %d",
                slot, replica.learner().chosenUpTo());
        InFlight f = new InFlight(value, waiters, step.now());
        l.inFlight.put(slot, f);
        Invariants.check(l.inFlight.size() <= config.alpha(), "%d slots in flight, alpha is %d", l.inFlight.size(),
                config.alpha());
        replica.observer().proposed(replica.cell(), replica.member(), slot, value, l.inFlight.size(), config.alpha());
        sendAccepts(l, slot, f, c, step);
    }

    /**
     * Whether some acceptor may still honour a lease it granted us: we asked for one within
     * the last clock-rate bound times the lease (a liveness guess; safety never depends on it).
     */
    private boolean mayHoldLease(long now) {
        return config.leaderLeaseMillis() > 0
                && now < lastLeaseAskedAtMillis + config.leaseRefusalMillis(config.leaderLeaseMillis());
    }

    private void sendAccepts(Leader l, long slot, InFlight f, Configuration c, Step step) {
        lastLeaseAskedAtMillis = step.now();
        Message.Accept accept = new Message.Accept(l.ballot, slot, f.value, config.leaderLeaseMillis(),
                replica.learner().chosenUpTo());
        for (Member m : c.members()) {
            if (!f.votes.contains(m)) {
                replica.deliverOrSend(m, accept, step);
            }
        }
    }

    void onAccepted(Member from, Message.Accepted a, Step step) {
        if (!(phase instanceof Leader l) || !a.ballot().equals(l.ballot) || l.inFlight.isEmpty()
                || a.slot() < replica.learner().chosenUpTo()) {
            return;
        }
        InFlight f = l.inFlight.get(a.slot());
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
        l.inFlight.remove(a.slot());
        if (config.leaderLeaseMillis() > 0) {
            l.leaseUntilMillis = Math.max(l.leaseUntilMillis, f.firstSentAtMillis + config.leaderLeaseMillis());
            l.leaseConfig = c;
        }
        if (!f.waiters.isEmpty()) {
            l.pendingWaiters.put(a.slot(), f.waiters);
        }
        replica.learnChosen(a.slot(), f.value, step);
        if (phase instanceof Leader cur && cur.inFlight.isEmpty()) {
            replica.broadcastCommit(cur.ballot, step);
        }
        pump(step);
    }

    /** Answers the clients whose commands were in a slot this leader saw applied. */
    void onApplied(Learner.Applied a, Step step) {
        List<Waiter> ws = phase instanceof Leader l ? l.pendingWaiters.remove(a.slot()) : null;
        if (ws == null) {
            return;
        }
        for (Waiter w : ws) {
            CommandResult r = a.results().get(w.index());
            if (w.isRead() && r instanceof CommandResult.Txn t) {
                step.fx.replyNow(new Reply.ReadResult(w.requestId(), t.result(), a.slot() + 1, false));
            } else {
                step.fx.replyNow(new Reply.Applied(w.requestId(), r, a.slot()));
            }
        }
    }

    void onNack(Message.Nack n, Step step) {
        if (phase instanceof Follower || !n.refused().equals(phase.ballot())) {
            return;
        }
        Ballot mine = phase.ballot();
        noteBallot(n.promised());
        if (phase instanceof Leader && n.promised().isAfter(mine) && mayHoldLease(step.now())) {
            // Acceptors may still refuse everyone but us on our lease, so the rival cannot win
            // phase 1: it only took this one acceptor. Take it back with a higher ballot rather
            // than hand clients to a proposer that cannot lead until our lease runs out.
            loseInFlight(step, replica.member().node());
            campaign(step);
            return;
        }
        NodeId rival = n.promised().proposer().node();
        boolean rivalLeads = n.promised().isAfter(mine) || n.leaseMillisLeft() > 0;
        if (rivalLeads && !rival.equals(replica.member().node()) && replica.isAlive(rival, step)) {
            stepDown(step, rival);
            return;
        }
        // Refused by a rival we cannot reach, a lease or a restart quarantine: keep the queue and
        // try again with a higher ballot after a random backoff (the jitter breaks duels).
        loseInFlight(step, null);
        long waitMillis = n.leaseMillisLeft() > 0 ? Math.min(n.leaseMillisLeft(), config.electionBackoffMaxMillis())
                : 1 + step.ctx.random().nextLong(config.electionBackoffMaxMillis());
        becomeCandidate(Candidate.backingOff(mine, step.now() + waitMillis), step);
    }

    /** Proposals in flight may or may not be chosen by whoever leads next. */
    private void loseInFlight(Step step, NodeId hint) {
        if (!(phase instanceof Leader l)) {
            return;
        }
        for (InFlight f : l.inFlight.values()) {
            for (Waiter w : f.waiters) {
                step.fx.reply(new Reply.OutcomeUnknown(w.requestId(), hint));
            }
        }
        l.inFlight.clear();
        for (List<Waiter> ws : l.pendingWaiters.values()) {
            for (Waiter w : ws) {
                step.fx.reply(new Reply.OutcomeUnknown(w.requestId(), hint));
            }
        }
        l.pendingWaiters.clear();
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
        becomeFollower(new Follower(phase.ballot(), backoffUntilMillis()));
    }

    // ---- time -------------------------------------------------------------------------------

    /** Retransmits, retries and timeouts; the replica then asks {@link #nextWakeup} when to call again. */
    void onWakeup(Step step) {
        long now = step.now();
        expireRequests(step);
        boolean active = now < activeUntilMillis;
        switch (phase) {
            case Candidate c -> {
                if (!active) {
                    becomeFollower(new Follower(c.ballot, c.backoffUntilMillis));
                } else if (c.backingOff) {
                    if (now >= c.backoffUntilMillis) {
                        campaign(step);
                    }
                } else if (now >= c.lastPrepareAtMillis + config.retransmitMillis()) {
                    retransmitPrepare(step);
                }
            }
            case Leader l when active -> {
                for (Map.Entry<Long, InFlight> e : l.inFlight.entrySet()) {
                    InFlight f = e.getValue();
                    if (now >= f.lastSentAtMillis + config.retransmitMillis()) {
                        f.lastSentAtMillis = now;
                        sendAccepts(l, e.getKey(), f, replica.learner().state().configFor(e.getKey()), step);
                    }
                }
            }
            default -> { }
        }
        if (phase instanceof Leader && active) {
            pump(step);
        }
    }

    private void retransmitPrepare(Step step) {
        long from = replica.learner().chosenUpTo();
        sendPrepare(from, replica.membersAround(from), step);
    }

    long nextWakeup(long now) {
        long next = Effects.NEVER;
        if (now >= activeUntilMillis) {
            return next;
        }
        switch (phase) {
            case Candidate c -> next = Math.min(next, c.backingOff ? c.backoffUntilMillis
                    : c.lastPrepareAtMillis + config.retransmitMillis());
            case Leader l -> {
                for (InFlight f : l.inFlight.values()) {
                    next = Math.min(next, f.lastSentAtMillis + config.retransmitMillis());
                }
                if (l.awaitingNewMembers) {
                    next = Math.min(next, l.lastPrepareAtMillis + config.retransmitMillis());
                }
                for (InFlight f : l.inFlight.values()) {
                    for (Waiter w : f.waiters) {
                        next = Math.min(next, w.deadlineMillis());
                    }
                }
                for (List<Waiter> ws : l.pendingWaiters.values()) { // chosen, not yet applied here
                    for (Waiter w : ws) {
                        next = Math.min(next, w.deadlineMillis());
                    }
                }
            }
            case Follower f -> { }
        }
        if (queue != null && !queue.isEmpty()) {
            next = Math.min(next, queue.peekFirst().deadlineMillis());
        }
        return Math.min(next, activeUntilMillis);
    }

    private void expireRequests(Step step) {
        long now = step.now();
        if (queue != null) {
            for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (now >= p.deadlineMillis()) {
                    it.remove();
                    step.fx.reply(new Reply.Unavailable(p.requestId(), "timed out waiting for a quorum; not applied"));
                }
            }
        }
        if (phase instanceof Leader l) {
            for (InFlight f : l.inFlight.values()) {
                expire(f.waiters, step);
            }
            // Chosen behind a slot still open here: it will apply, but maybe not before the
            // promised answer time; the client retries with the same seq for its result.
            for (Iterator<List<Waiter>> it = l.pendingWaiters.values().iterator(); it.hasNext(); ) {
                List<Waiter> ws = it.next();
                expire(ws, step);
                if (ws.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    /** Answers the waiters whose time ran out: proposed, so their outcome is unknown. */
    private void expire(List<Waiter> waiters, Step step) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (step.now() >= w.deadlineMillis()) {
                it.remove();
                step.fx.reply(new Reply.OutcomeUnknown(w.requestId(), replica.member().node()));
            }
        }
    }
}
