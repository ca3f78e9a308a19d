package io.physalia.core.paxos;

import io.physalia.core.Invariants;
import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellStateMachine;
import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.CommandValidator;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.LeaseState;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.kv.TransactionValidator;
import io.physalia.core.kv.TxnResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One replica of one cell: a pure state machine in the style of a consensus core. Each call
 * takes an input (a message, a client request or a wakeup) with the {@link Context} of that
 * moment and returns {@link Effects}: records to persist first, then messages and replies.
 * It owns no threads, timers or I/O; an idle replica asks for no wakeup.
 */
public final class Replica {
    private final ReplicaConfig config;
    private final String cell;
    private final Member self;
    private final ReplicaObserver observer;
    private final Acceptor acceptor = new Acceptor();
    private final Learner learner;
    private final Proposer proposer;
    private final Teaching teaching;
    private NodeId leaderHint;
    private long leaderHintAtMillis; // local time the hint was last confirmed
    private TreeMap<String, long[]> leaseWatch; // lease -> {version, local time first seen}
    private String stoppedReason;

    private Replica(ReplicaConfig config, String cell, Member self, CellStateMachine state, long appliedUpTo,
                    ReplicaObserver observer) {
        this.config = config;
        this.cell = cell;
        this.self = self;
        this.observer = observer;
        this.learner = new Learner(config, state, appliedUpTo, self.incarnation() == 0);
        this.proposer = new Proposer(this, config);
        this.teaching = new Teaching(this, config);
    }

    /**
     * A new replica. A founding member (incarnation 0) starts from the state before slot 0. A
     * member added by a membership change (incarnation = that change's slot + 1) knows only
     * the configuration it joins: it votes at once, and gets its state by a snapshot from any
     * member it hears from. Its first record ({@link DurableRecord.Identity}, from
     * {@link #identityRecord()}) must be durable before the replica is used.
     */
    public static Replica create(ReplicaConfig config, String cell, Member self, Configuration initial,
                                 ReplicaObserver observer) {
        return new Replica(config, cell, self, CellStateMachine.create(cell, initial, config.limits(), config.alpha()),
                0, observer);
    }

    public DurableRecord.Identity identityRecord() {
        return new DurableRecord.Identity(cell, self, learner.state().configFor(learner.chosenUpTo()));
    }

    /**
     * Rebuilds a replica from the records it persisted, in order (after a clean stop or a dirty
     * reboot). The acceptor then refuses every Prepare for the clock-rate bound times the lease, because it may
     * have granted a leader lease it no longer remembers.
     */
    public static Replica recover(ReplicaConfig config, List<DurableRecord> records, ReplicaObserver observer,
                                  Context ctx) {
        Invariants.check(!records.isEmpty() && records.get(0) instanceof DurableRecord.Identity,
                "the first durable record of a replica must be its identity");
        DurableRecord.Identity id = (DurableRecord.Identity) records.get(0);
        Replica r = create(config, id.cell(), id.self(), id.initial(), observer);
        Effects ignored = new Effects();
        TreeMap<Long, Batch> chosen = new TreeMap<>();
        for (DurableRecord rec : records.subList(1, records.size())) {
            switch (rec) {
                case DurableRecord.Identity i -> Invariants.check(false, "a second identity record");
                case DurableRecord.Promised p -> r.acceptor.restorePromise(p.ballot());
                case DurableRecord.AcceptedValue a -> r.acceptor.restoreAccepted(a.slot(), a.ballot(), a.value());
                case DurableRecord.Chosen c -> chosen.put(c.slot(), c.value());
                case DurableRecord.Snapshot s -> {
                    if (s.snapshot().appliedUpTo() > r.learner.chosenUpTo()) {
                        r.learner.install(s.snapshot(), ignored);
                    }
                }
            }
        }
        for (var e : chosen.entrySet()) {
            r.learner.learn(e.getKey(), e.getValue(), ignored, false, ReplicaObserver.NONE, r.cell, r.self);
        }
        r.acceptor.forgetBelow(r.learner.chosenUpTo());
        r.acceptor.quarantineUntil(ctx.nowMillis() + config.leaseRefusalMillis(config.leaderLeaseMillis()));
        r.watchAllLeases(ctx.nowMillis());
        return r;
    }

    // ---- inputs -----------------------------------------------------------------------------

    /**
     * Call once when the driver starts driving this replica (after creating or recovering it,
     * once its identity is durable). A joining member without state asks a member for a
     * snapshot right away: it may hear nothing from the cell for a long time otherwise (a
     * quiet cell sends it no Accepts, and the Commit may have gone out before it was hosted).
     */
    public Effects start(Context ctx) {
        Step step = new Step(ctx, new Effects());
        if (stoppedReason == null && !learner.hasState()) {
            try {
                teaching.askForState(step);
            } catch (RuntimeException e) {
                stop(e, step);
            }
        }
        return finish(step);
    }

    public Effects onMessage(Envelope env, Context ctx) {
        Step step = new Step(ctx, new Effects());
        if (stoppedReason != null || !env.to().equals(self) || !env.cell().equals(cell) || env.from().equals(self)) {
            return step.fx; // another incarnation's or another cell's message: never counts here
        }
        try {
            handle(env.from(), env.message(), step);
        } catch (RuntimeException e) {
            stop(e, step);
        }
        return finish(step);
    }

    public Effects onClientRequest(ClientRequest request, Context ctx) {
        Step step = new Step(ctx, new Effects());
        if (stoppedReason != null) {
            step.fx.reply(new Reply.Unavailable(request.requestId(), "replica stopped: " + stoppedReason));
            return step.fx;
        }
        try {
            switch (request) {
                case ClientRequest.Submit s -> submit(s, step);
                case ClientRequest.Read r -> read(r, step);
            }
        } catch (RuntimeException e) {
            stop(e, step);
        }
        return finish(step);
    }

    public Effects onWakeup(Context ctx) {
        Step step = new Step(ctx, new Effects());
        if (stoppedReason != null) {
            return step.fx;
        }
        try {
            proposer.onWakeup(step);
            teaching.onWakeup(step);
        } catch (RuntimeException e) {
            stop(e, step);
        }
        return finish(step);
    }

    /**
     * The node's link to {@code peer} came back after it was silent (liveness: dead, then heard
     * again). An idle cell sends nothing by itself, so a member cut off while the last slots
     * were chosen would stay behind until the next write; the leader tells it the chosen prefix
     * under its own ballot (the Commit it broadcasts when its pipeline drains, so just as safe),
     * and the member asks to be taught whatever it missed. Only the leader speaks: a Commit
     * under any other ballot could make a member take a value accepted under that ballot for
     * the chosen one.
     */
    public Effects onPeerReturned(NodeId peer, Context ctx) {
        Step step = new Step(ctx, new Effects());
        if (stoppedReason != null || !proposer.isLeader() || peer.equals(self.node())) {
            return step.fx;
        }
        try {
            Message.Commit c = new Message.Commit(proposer.phase().ballot(), learner.chosenUpTo());
            for (Member m : learner.state().configFor(learner.chosenUpTo()).members()) {
                if (m.node().equals(peer)) {
                    send(m, c, step);
                }
            }
        } catch (RuntimeException e) {
            stop(e, step);
        }
        return finish(step);
    }

    /**
     * The records that carried {@code votes} (this replica's acceptor's {@code Accepted} for its
     * own proposals, from {@link Effects#ownVotes()}) are durable: the proposer counts them now.
     */
    public Effects onOwnVotesDurable(List<Message.Accepted> votes, Context ctx) {
        Step step = new Step(ctx, new Effects());
        if (stoppedReason != null) {
            return step.fx;
        }
        try {
            for (Message.Accepted a : votes) {
                proposer.onAccepted(self, a, step);
            }
        } catch (RuntimeException e) {
            stop(e, step);
        }
        return finish(step);
    }

    private Effects finish(Step step) {
        if (stoppedReason == null) {
            step.fx.wakeupAt(proposer.nextWakeup(step.now()));
            step.fx.wakeupAt(teaching.nextWakeup());
        }
        return step.fx;
    }

    /** A failed check (or any bug) stops this cell's replica, never the node hosting it. */
    private void stop(RuntimeException e, Step step) {
        stoppedReason = e instanceof Invariants.InvariantViolation ? e.getMessage() : e.toString();
        step.fx.stopped(stoppedReason);
    }

    // ---- client requests --------------------------------------------------------------------

    private void submit(ClientRequest.Submit s, Step step) {
        Optional<String> invalid = CommandValidator.validate(s.command(), config.limits());
        if (invalid.isEmpty() && s.command() instanceof Command.LeaseAcquire a
                && a.takeoverVersion() != 0) {
            invalid = Optional.of("takeoverVersion is set by the proposer; clients must send 0");
        }
        if (invalid.isPresent()) {
            step.fx.reply(new Reply.Rejected(s.requestId(), invalid.get()));
            return;
        }
        routeToProposer(s.requestId(), s.command(), false, step);
    }

    private void routeToProposer(long requestId, Command command, boolean isRead, Step step) {
        if (proposer.isFollower() && leaderHint != null
                && !leaderHint.equals(self.node()) && isAlive(leaderHint, step)
                && step.now() - leaderHintAtMillis <= hintFreshMillis()
                && !self.equals(acceptor.leaseHolder(step.now()))) {
            // (Our own acceptor still holding a lease for us means nobody else can lead yet.)
            step.fx.reply(new Reply.Redirect(requestId, leaderHint));
            return;
        }
        proposer.enqueue(requestId, command, isRead, step);
    }

    private void read(ClientRequest.Read r, Step step) {
        if (r.txn() == null || r.mode() == null) {
            step.fx.reply(new Reply.Rejected(r.requestId(), "a read needs a transaction and a mode"));
            return;
        }
        if (!r.txn().isReadOnly()) {
            step.fx.reply(new Reply.Rejected(r.requestId(), "a read must not contain writes"));
            return;
        }
        Optional<String> invalid = TransactionValidator.validate(r.txn(), config.limits().data());
        if (invalid.isPresent()) {
            step.fx.reply(new Reply.Rejected(r.requestId(), invalid.get()));
            return;
        }
        long applied = learner.chosenUpTo();
        if (r.mode() == ClientRequest.ReadMode.EVENTUAL) {
            if (applied < r.minSlot()) {
                step.fx.reply(new Reply.Unavailable(r.requestId(),
                        "replica has applied up to slot " + applied + ", session needs " + r.minSlot()));
                return;
            }
            TxnResult result = learner.state().read(r.txn());
            step.fx.reply(new Reply.ReadResult(r.requestId(), result, applied, true));
            return;
        }
        if (proposer.canReadLocally(step.now())) {
            step.fx.reply(new Reply.ReadResult(r.requestId(), learner.state().read(r.txn()), applied, true));
            return;
        }
        routeToProposer(r.requestId(), new Command.ClientTxn("", 0, r.txn()), true, step);
    }

    // ---- messages ---------------------------------------------------------------------------

    private void handle(Member from, Message m, Step step) {
        dispatch(from, m, step);
        teaching.noteChosenUpTo(from, m.chosenUpTo(), step); // after: the message may have filled the gap
    }

    private void dispatch(Member from, Message m, Step step) {
        switch (m) {
            case Message.Prepare p -> {
                proposer.noteBallot(p.ballot());
                Message reply = acceptor.onPrepare(p, step.now(), learner.chosenUpTo(), step.fx, this::promisedChanged);
                if (reply instanceof Message.Promise && proposer.isOutbidBy(p.ballot())) {
                    proposer.stepDown(step, p.ballot().proposer().node());
                }
                send(from, reply, step);
            }
            case Message.Accept a -> {
                proposer.noteBallot(a.ballot());
                Message reply = acceptor.onAccept(a, step.now(), learner.chosenUpTo(), config, step.fx, this::promisedChanged);
                if (reply instanceof Message.Accepted) {
                    if (proposer.isOutbidBy(a.ballot())) {
                        proposer.stepDown(step, from.node());
                    }
                    setLeaderHint(from.node(), step.now());
                    learnCommitted(a.ballot(), a.chosenUpTo(), step);
                }
                send(from, reply, step);
            }
            case Message.Commit c -> learnCommitted(c.ballot(), c.chosenUpTo(), step);
            case Message.Promise p -> proposer.onPromise(from, p, step);
            case Message.Accepted a -> proposer.onAccepted(from, a, step);
            case Message.Nack n -> proposer.onNack(n, step);
            case Message.TeachRequest t -> teaching.onRequest(from, t, step);
            case Message.TeachLog t -> {
                for (int i = 0; i < t.values().size(); i++) {
                    learnChosen(t.firstSlot() + i, t.values().get(i), step);
                }
            }
            case Message.TeachSnapshot t -> {
                if (t.snapshot().appliedUpTo() > learner.chosenUpTo() && t.snapshot().cell().equals(cell)) {
                    List<Learner.Applied> applied = learner.install(t.snapshot(), step.fx);
                    acceptor.forgetBelow(learner.chosenUpTo());
                    watchAllLeases(step.now());
                    afterApplied(applied, step);
                }
            }
        }
    }

    private void promisedChanged() {
        observer.promised(cell, self, acceptor.promised());
    }

    /** Slots below {@code chosenUpTo} that this acceptor accepted under {@code ballot} are chosen. */
    private void learnCommitted(Ballot ballot, long chosenUpTo, Step step) {
        for (long s = learner.chosenUpTo(); s < chosenUpTo; s++) {
            Message.AcceptedEntry e = acceptor.acceptedAt(s);
            if (e != null && e.ballot().equals(ballot)) {
                learnChosen(s, e.value(), step);
            }
        }
    }

    /** Records a chosen value and applies whatever became contiguous. */
    void learnChosen(long slot, Batch value, Step step) {
        List<Learner.Applied> applied = learner.learn(slot, value, step.fx, true, observer, cell, self);
        if (!applied.isEmpty()) {
            acceptor.forgetBelow(learner.chosenUpTo());
            afterApplied(applied, step);
        }
    }

    private void afterApplied(List<Learner.Applied> applied, Step step) {
        for (Learner.Applied a : applied) {
            watchLeases(a, step.now());
            proposer.onApplied(a, step);
        }
        teaching.onLearned(step);
        proposer.onLearned(step);
    }

    // ---- leases: the local-clock half -------------------------------------------------------

    private void watchLeases(Learner.Applied a, long now) {
        for (CommandResult r : a.results()) {
            if (r instanceof CommandResult.Lease l && (l.status() == CommandResult.LeaseStatus.GRANTED
                    || l.status() == CommandResult.LeaseStatus.RENEWED)) {
                watchAllLeases(now); // cheap: a cell holds few leases
                return;
            }
        }
    }

    /** Starts watching every grant not yet watched; a grant is watched from when we learned it. */
    private void watchAllLeases(long now) {
        List<LeaseState> all = learner.state().leases();
        if (all.isEmpty()) {
            leaseWatch = null;
            return;
        }
        TreeMap<String, long[]> next = new TreeMap<>();
        for (LeaseState l : all) {
            long[] seen = leaseWatch == null ? null : leaseWatch.get(l.name());
            next.put(l.name(), seen != null && seen[0] == l.version() ? seen : new long[] {l.version(), now});
        }
        leaseWatch = next;
    }

    /** How long this replica has watched {@code version} of {@code lease}, on its own clock. */
    long leaseWatchedForMillis(String lease, long version, long now) {
        long[] seen = leaseWatch == null ? null : leaseWatch.get(lease);
        return seen != null && seen[0] == version ? now - seen[1] : 0;
    }

    // ---- helpers for the roles --------------------------------------------------------------

    /** Sends to a peer, or for ourselves runs the local acceptor and feeds its answer back. */
    void deliverOrSend(Member to, Message m, Step step) {
        if (!to.equals(self)) {
            send(to, m, step);
            return;
        }
        switch (m) {
            case Message.Prepare p -> {
                Message reply = acceptor.onPrepare(p, step.now(), learner.chosenUpTo(), step.fx, this::promisedChanged);
                feedBack(reply, step);
            }
            case Message.Accept a -> {
                Message reply = acceptor.onAccept(a, step.now(), learner.chosenUpTo(), config, step.fx, this::promisedChanged);
                if (reply instanceof Message.Accepted vote) {
                    step.fx.ownVote(vote); // counted once the vote's record is durable: onOwnVotesDurable
                } else {
                    feedBack(reply, step);
                }
            }
            default -> Invariants.check(false, "only Prepare and Accept go to the local acceptor");
        }
    }

    private void feedBack(Message reply, Step step) {
        switch (reply) {
            case Message.Promise p -> proposer.onPromise(self, p, step);
            case Message.Accepted a -> proposer.onAccepted(self, a, step);
            case Message.Nack n -> proposer.onNack(n, step);
            default -> Invariants.check(false, "unexpected local acceptor answer " + reply);
        }
    }

    /**
     * A proposer's Accept and a Commit leave at once, while this step's records sync: neither
     * states a promise or vote of this replica's acceptor. An Accept asks peers to vote; its
     * ballot's promise by this acceptor was made durable before phase 1 could win (a quorum of
     * more than one member answered Prepares released after it). A Commit names slots a quorum
     * durably accepted. Everything else an acceptor or teacher says waits for its records.
     */
    void send(Member to, Message m, Step step) {
        Envelope e = new Envelope(cell, self, to, m);
        if (m instanceof Message.Accept || m instanceof Message.Commit) {
            step.fx.sendNow(e);
        } else {
            step.fx.send(e);
        }
    }

    void broadcastCommit(Ballot ballot, Step step) {
        Message.Commit c = new Message.Commit(ballot, learner.chosenUpTo());
        for (Member m : learner.state().configFor(learner.chosenUpTo()).members()) {
            if (!m.equals(self)) {
                send(m, c, step);
            }
        }
    }

    /** Configurations that choose the slots this replica could propose next. */
    List<Configuration> configsAround(long from) {
        List<Configuration> out = new ArrayList<>(2);
        for (long s = from; s < from + config.alpha(); s++) {
            Configuration c = learner.state().configFor(s);
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    Set<Member> membersAround(long from) {
        Set<Member> out = new LinkedHashSet<>();
        for (Configuration c : configsAround(from)) {
            out.addAll(c.members());
        }
        return out;
    }

    boolean isMemberAround(long from) {
        return membersAround(from).contains(self);
    }

    /** A member of the latest configuration other than us, preferring the leader hint. */
    NodeId someMember() {
        Configuration latest = learner.state().latestConfiguration();
        if (leaderHint != null && latest.hasNode(leaderHint) && !leaderHint.equals(self.node())) {
            return leaderHint;
        }
        for (Member m : latest.members()) {
            if (!m.node().equals(self.node())) {
                return m.node();
            }
        }
        return null;
    }

    boolean isAlive(NodeId node, Step step) {
        return node.equals(self.node()) || step.ctx.peerAlive().test(node);
    }

    void requestTeaching(Member teacher, Step step, boolean now) {
        teaching.request(teacher, step, now);
    }

    ProposerPhase proposerPhase() {
        return proposer.phase();
    }

    /** Whack-a-mole: run phase 1 ourselves to recover or no-op the slots nobody taught us. */
    void whackAMole(Step step) {
        proposer.campaign(step);
    }

    void setLeaderHint(NodeId hint, long now) {
        leaderHint = hint;
        leaderHintAtMillis = now;
    }

    /**
     * A hint is trusted for a short while only: without heartbeats, an old hint may name a node
     * that stopped leading, and hints that point at each other would bounce clients forever.
     * Past this, a request makes this replica campaign (election on demand). It is short (a
     * lease, and at least five retransmit intervals): while a cell takes writes, every Accept
     * confirms the hint; after its leader dies, the sooner followers hold requests and campaign,
     * the sooner the successor takes over once the old lease has run out.
     */
    private long hintFreshMillis() {
        return Math.max(config.leaderLeaseMillis(), 5 * config.retransmitMillis());
    }

    Learner learner() {
        return learner;
    }

    Acceptor acceptor() {
        return acceptor;
    }

    ReplicaObserver observer() {
        return observer;
    }

    // ---- read-only views for drivers and checkers --------------------------------------------

    public String cell() {
        return cell;
    }

    /** This replica's member (node and incarnation): the one identity it votes and leads as. */
    public Member member() {
        return self;
    }

    public long appliedUpTo() {
        return learner.chosenUpTo();
    }

    /** The chosen value of {@code slot} if still retained here, else null. */
    public Batch chosenAt(long slot) {
        return learner.chosenAt(slot);
    }

    public Ballot promised() {
        return acceptor.promised();
    }

    public boolean isLeader() {
        return proposer.isLeader();
    }

    /** The local clock reading until which this leader may serve local reads (0 if none). */
    public long leaderLeaseUntil() {
        return proposer.leaseUntilMillis();
    }

    public NodeId leaderHint() {
        return leaderHint;
    }

    public CellStateMachine state() {
        return learner.state();
    }

    public Configuration configuration() {
        return learner.state().latestConfiguration();
    }

    public String stoppedReason() {
        return stoppedReason;
    }
}
