package io.physalia.core.cell;

import io.physalia.core.cell.CommandResult.LeaseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The deterministic half of first-class leases: who holds what, by the log alone. Time never
 * enters here; the proposer decides that a grant has expired on its own clock and attests it
 * with {@link Command.LeaseAcquire#takeoverVersion()}, which only succeeds while that exact
 * grant (same version) is still the current one.
 */
final class LeaseTable {
    private TreeMap<String, LeaseState> held; // allocated on first use: idle cells stay small
    private long lastToken;

    LeaseTable(List<LeaseState> leases, long lastToken) {
        this.lastToken = lastToken;
        for (LeaseState l : leases) {
            map().put(l.name(), l);
            lastToken = Math.max(lastToken, l.token());
        }
    }

    private TreeMap<String, LeaseState> map() {
        if (held == null) {
            held = new TreeMap<>();
        }
        return held;
    }

    LeaseState get(String name) {
        return held == null ? null : held.get(name);
    }

    CommandResult.Lease acquire(Command.LeaseAcquire c) {
        LeaseState cur = get(c.lease());
        if (cur != null && !cur.holder().equals(c.holder()) && cur.version() != c.takeoverVersion()) {
            return new CommandResult.Lease(LeaseStatus.HELD_BY_OTHER, cur.holder(), cur.token(), cur.version());
        }
        long version = cur == null ? 1 : cur.version() + 1;
        LeaseState granted = new LeaseState(c.lease(), c.holder(), ++lastToken, version, c.durationMillis());
        map().put(c.lease(), granted);
        return new CommandResult.Lease(LeaseStatus.GRANTED, granted.holder(), granted.token(), granted.version());
    }

    CommandResult.Lease renew(Command.LeaseRenew c) {
        LeaseState cur = get(c.lease());
        if (cur == null || !cur.holder().equals(c.holder()) || cur.token() != c.token()) {
            return notHolder(cur);
        }
        LeaseState renewed = new LeaseState(cur.name(), cur.holder(), cur.token(), cur.version() + 1,
                cur.durationMillis());
        held.put(c.lease(), renewed);
        return new CommandResult.Lease(LeaseStatus.RENEWED, renewed.holder(), renewed.token(), renewed.version());
    }

    CommandResult.Lease release(Command.LeaseRelease c) {
        LeaseState cur = get(c.lease());
        if (cur == null || !cur.holder().equals(c.holder()) || cur.token() != c.token()) {
            return notHolder(cur);
        }
        held.remove(c.lease());
        return new CommandResult.Lease(LeaseStatus.RELEASED, null, cur.token(), cur.version());
    }

    private static CommandResult.Lease notHolder(LeaseState cur) {
        return cur == null
                ? new CommandResult.Lease(LeaseStatus.NOT_HOLDER, null, 0, 0)
                : new CommandResult.Lease(LeaseStatus.NOT_HOLDER, cur.holder(), cur.token(), cur.version());
    }

    long lastToken() {
        return lastToken;
    }

    int size() {
        return held == null ? 0 : held.size();
    }

    List<LeaseState> all() {
        return held == null ? List.of() : new ArrayList<>(held.values());
    }
}
