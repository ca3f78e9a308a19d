package io.physalia.core.paxos;

import io.physalia.core.Invariants;
import io.physalia.core.cell.Batch;
import io.physalia.core.cell.Member;
import io.physalia.core.paxos.Message.AcceptedEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The acceptor role: the promised ballot and the accepted values of slots not yet known to be
 * chosen, plus the lease promise that backs the proposer's local reads. Every change it makes
 * is handed back as a record to persist before the reply leaves.
 */
final class Acceptor {
    private Ballot promised = Ballot.ZERO;
    private TreeMap<Long, AcceptedEntry> accepted; // allocated on first accept
    private Ballot leaseBallot;
    private long leaseUntilMillis;
    private long quarantineUntilMillis;

    Ballot promised() {
        return promised;
    }

    AcceptedEntry acceptedAt(long slot) {
        return accepted == null ? null : accepted.get(slot);
    }

    boolean hasAcceptedAbove(long slot) {
        return accepted != null && accepted.ceilingKey(slot) != null;
    }

    /** During recovery: rebuild from records, keeping the highest ballot per slot. */
    void restorePromise(Ballot b) {
        if (b.isAfter(promised)) {
            promised = b;
        }
    }

    void restoreAccepted(long slot, Ballot b, Batch v) {
        restorePromise(b);
        AcceptedEntry cur = acceptedAt(slot);
        if (cur == null || b.isAtLeast(cur.ballot())) {
            map().put(slot, new AcceptedEntry(slot, b, v));
        }
    }

    /**
     * After a restart this acceptor may have granted a lease it no longer remembers, so it
     * refuses every Prepare until any such lease has surely ended.
     */
    void quarantineUntil(long millis) {
        quarantineUntilMillis = millis;
    }

    /** Phase 1b. Returns the Promise or Nack to send back. */
    Message onPrepare(Message.Prepare p, long now, long chosenUpTo, Effects fx, Runnable onNewPromise) {
        long lease = leaseLeft(p.ballot(), now);
        if (lease > 0) {
            return new Message.Nack(p.ballot(), leaseBallot == null ? promised : leaseBallot, lease, chosenUpTo);
        }
        if (!p.ballot().isAtLeast(promised)) {
            return new Message.Nack(p.ballot(), promised, 0, chosenUpTo);
        }
        if (p.ballot().isAfter(promised)) {
            promised = p.ballot();
            fx.persist(new DurableRecord.Promised(promised));
            onNewPromise.run();
        }
        List<AcceptedEntry> report = new ArrayList<>();
        if (accepted != null) {
            report.addAll(accepted.tailMap(Math.max(p.fromSlot(), chosenUpTo)).values());
        }
        return new Message.Promise(p.ballot(), p.fromSlot(), report, chosenUpTo);
    }

    /** Phase 2b. Returns Accepted or Nack. Slots already chosen are acknowledged without storing. */
    Message onAccept(Message.Accept a, long now, long chosenUpTo, ReplicaConfig config, Effects fx, Runnable onNewPromise) {
        if (!a.ballot().isAtLeast(promised)) {
            return new Message.Nack(a.ballot(), promised, 0, chosenUpTo);
        }
        boolean raised = a.ballot().isAfter(promised);
        if (raised) {
            promised = a.ballot();
            onNewPromise.run();
        }
        boolean stored = false;
        if (a.slot() >= chosenUpTo) {
            AcceptedEntry cur = acceptedAt(a.slot());
            if (cur != null && cur.ballot().equals(a.ballot())) {
                Invariants.check(cur.value().equals(a.value()),
                        "two values proposed at slot %d under ballot %s", a.slot(), a.ballot());
            } else {
                map().put(a.slot(), new AcceptedEntry(a.slot(), a.ballot(), a.value()));
                fx.persist(new DurableRecord.AcceptedValue(a.slot(), a.ballot(), a.value()));
                stored = true; // recovery takes the promise from this record's ballot
            }
        }
        if (raised && !stored) {
            fx.persist(new DurableRecord.Promised(promised));
        }
        if (a.leaseMillis() > 0) {
            leaseBallot = a.ballot();
            leaseUntilMillis = Math.max(leaseUntilMillis, now + config.leaseRefusalMillis(a.leaseMillis()));
        }
        return new Message.Accepted(a.ballot(), a.slot(), chosenUpTo);
    }

    /** The proposer this acceptor still refuses rivals for (by leader lease), or null. */
    Member leaseHolder(long now) {
        return leaseBallot != null && now < leaseUntilMillis ? leaseBallot.proposer() : null;
    }

    /** Milliseconds (own clock) this acceptor still refuses {@code rival}; 0 when free. */
    private long leaseLeft(Ballot rival, long now) {
        long left = 0;
        if (now < quarantineUntilMillis) {
            left = quarantineUntilMillis - now;
        }
        if (leaseBallot != null && now < leaseUntilMillis && !leaseBallot.proposer().equals(rival.proposer())) {
            left = Math.max(left, leaseUntilMillis - now);
        }
        return left;
    }

    /** Values of slots known chosen live in the learner's log; the acceptor forgets them. */
    void forgetBelow(long slot) {
        if (accepted != null) {
            accepted.headMap(slot).clear();
            if (accepted.isEmpty()) {
                accepted = null;
            }
        }
    }

    private Map<Long, AcceptedEntry> map() {
        if (accepted == null) {
            accepted = new TreeMap<>();
        }
        return accepted;
    }
}
