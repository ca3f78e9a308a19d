package io.physalia.core.cell;

import io.physalia.core.kv.KvStore;
import io.physalia.core.kv.Transaction;
import io.physalia.core.kv.TxnResult;
import io.physalia.core.kv.TxnStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The replicated state of one cell: data, leases, client sessions and configuration. Applying
 * is total and deterministic: every command in every state yields a defined result, never an
 * exception, so a transition that passed the log can never poison a replica (section 3.3).
 */
public final class CellStateMachine {
    private final String cell;
    private final CellLimits limits;
    private final int alpha;
    private final KvStore kv;
    private final LeaseTable leases;
    private final SessionTable sessions;
    private final ConfigHistory configs;

    private CellStateMachine(String cell, CellLimits limits, int alpha, KvStore kv, LeaseTable leases,
                             SessionTable sessions, ConfigHistory configs) {
        this.cell = cell;
        this.limits = limits;
        this.alpha = alpha;
        this.kv = kv;
        this.leases = leases;
        this.sessions = sessions;
        this.configs = configs;
    }

    public static CellStateMachine create(String cell, Configuration initial, CellLimits limits, int alpha) {
        return new CellStateMachine(cell, limits, alpha, KvStore.restore(0, List.of(), limits.data()),
                new LeaseTable(List.of(), 0), new SessionTable(limits.maxSessions(), List.of()),
                new ConfigHistory(List.of(new ConfigEpoch(0, initial))));
    }

    /** Rebuilds from a snapshot; throws IllegalArgumentException if the snapshot is inconsistent. */
    public static CellStateMachine restore(CellSnapshot s, CellLimits limits, int alpha) {
        return new CellStateMachine(s.cell(), limits, alpha, KvStore.restore(s.revision(), s.data(), limits.data()),
                new LeaseTable(s.leases(), s.lastLeaseToken()), new SessionTable(limits.maxSessions(), s.sessions()),
                new ConfigHistory(s.epochs()));
    }

    public CellSnapshot snapshot(long appliedUpTo) {
        return new CellSnapshot(cell, appliedUpTo, kv.revision(), kv.entries(), leases.all(), leases.lastToken(), sessions.all(),
                configs.epochs());
    }

    /** Applies the batch chosen for {@code slot}; one result per command, in order. */
    public List<CommandResult> apply(long slot, Batch batch) {
        List<CommandResult> results = new ArrayList<>(batch.commands().size());
        for (Command c : batch.commands()) {
            results.add(applyOne(slot, c));
        }
        configs.forgetBefore(slot + 1);
        return results;
    }

    private CommandResult applyOne(long slot, Command c) {
        SessionEntry seen = c == null ? null : sessions.seen(c.clientId(), c.seq());
        if (seen != null) {
            return seen.seq() == c.seq() ? seen.result() : new CommandResult.Stale(seen.seq());
        }
        CommandResult result = execute(slot, c);
        if (c != null) {
            sessions.record(c.clientId(), c.seq(), slot, result);
        }
        return result;
    }

    private CommandResult execute(long slot, Command c) {
        Optional<String> invalid = CommandValidator.validate(c, limits);
        if (invalid.isPresent()) {
            return invalidResult(c, invalid.get());
        }
        return switch (c) {
            case Command.ClientTxn t -> new CommandResult.Txn(kv.apply(t.txn()));
            case Command.LeaseAcquire a -> leases.get(a.lease()) == null && leases.size() >= limits.maxLeases()
                    ? new CommandResult.Lease(CommandResult.LeaseStatus.INVALID, null, 0, 0)
                    : leases.acquire(a);
            case Command.LeaseRenew r -> leases.renew(r);
            case Command.LeaseRelease r -> leases.release(r);
            case Command.AddMember m -> addMember(slot, m);
            case Command.RemoveMember m -> removeMember(slot, m);
        };
    }

    private CommandResult invalidResult(Command c, String reason) {
        if (c instanceof Command.LeaseAcquire || c instanceof Command.LeaseRenew || c instanceof Command.LeaseRelease) {
            return new CommandResult.Lease(CommandResult.LeaseStatus.INVALID, null, 0, 0);
        }
        if (c instanceof Command.AddMember || c instanceof Command.RemoveMember) {
            return new CommandResult.Membership(false, reason, null);
        }
        return new CommandResult.Txn(new TxnResult(TxnStatus.INVALID, reason, kv.revision(), List.of()));
    }

    private CommandResult addMember(long slot, Command.AddMember m) {
        Optional<String> refusal = changeRefusal(slot);
        Configuration latest = configs.latest();
        if (refusal.isEmpty() && latest.hasNode(m.node())) {
            refusal = Optional.of("node " + m.node() + " is already a member");
        }
        if (refusal.isEmpty() && latest.members().size() >= limits.maxMembers()) {
            refusal = Optional.of("cell already has the maximum of " + limits.maxMembers() + " members");
        }
        if (refusal.isPresent()) {
            return new CommandResult.Membership(false, refusal.get(), null);
        }
        List<Member> members = new ArrayList<>(latest.members());
        members.add(new Member(m.node(), slot + 1)); // a fresh incarnation, never 0 (founding)
        return changeTo(slot, new Configuration(members));
    }

    private CommandResult removeMember(long slot, Command.RemoveMember m) {
        Optional<String> refusal = changeRefusal(slot);
        Configuration latest = configs.latest();
        if (refusal.isEmpty() && !latest.contains(m.member())) {
            refusal = Optional.of("member " + m.member() + " is not in the configuration");
        }
        if (refusal.isEmpty() && latest.members().size() == 1) {
            refusal = Optional.of("cannot remove the last member");
        }
        if (refusal.isPresent()) {
            return new CommandResult.Membership(false, refusal.get(), null);
        }
        List<Member> members = new ArrayList<>(latest.members());
        members.remove(m.member());
        return changeTo(slot, new Configuration(members));
    }

    /** One member at a time: a change waits until the previous one is in effect. */
    private Optional<String> changeRefusal(long slot) {
        long pending = configs.pendingUntil(slot);
        return pending < 0 ? Optional.empty()
                : Optional.of("a membership change is pending until slot " + pending + "; one member at a time");
    }

    private CommandResult changeTo(long slot, Configuration next) {
        configs.add(new ConfigEpoch(slot + alpha, next));
        return new CommandResult.Membership(true, "in effect from slot " + (slot + alpha), next);
    }

    /** Evaluates a read-only transaction on the current state, without changing it (total, like apply). */
    public TxnResult read(Transaction t) {
        return kv.read(t);
    }

    public Configuration configFor(long slot) {
        return configs.configFor(slot);
    }

    /** The slot from which a chosen but not yet effective membership change counts, or -1. */
    public long pendingChangeFrom(long slot) {
        return configs.pendingUntil(slot);
    }

    public Configuration latestConfiguration() {
        return configs.latest();
    }

    /**
     * The latest configuration with the slot it takes effect from. That slot grows with every
     * membership change, so it orders configurations (discovery keeps the newest).
     */
    public ConfigEpoch latestEpoch() {
        return configs.latestEpoch();
    }

    public LeaseState lease(String name) {
        return leases.get(name);
    }

    public List<LeaseState> leases() {
        return leases.all();
    }

    public long revision() {
        return kv.revision();
    }

    public KvStore data() {
        return kv;
    }

    public String cell() {
        return cell;
    }
}
