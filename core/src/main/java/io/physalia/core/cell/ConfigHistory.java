package io.physalia.core.cell;

import io.physalia.core.Invariants;
import java.util.ArrayList;
import java.util.List;

/**
 * Which configuration chooses which slots. A membership change chosen at slot i takes effect at
 * slot i + alpha (paper section 2.4), so up to alpha slots ahead the configuration is known to
 * every replica that has applied the log up to the current slot.
 */
public final class ConfigHistory {
    private final ArrayList<ConfigEpoch> epochs = new ArrayList<>(2);

    public ConfigHistory(List<ConfigEpoch> initial) {
        Invariants.check(!initial.isEmpty(), "config history needs an epoch");
        for (ConfigEpoch e : initial) {
            add(e);
        }
    }

    public Configuration configFor(long slot) {
        Invariants.check(slot >= epochs.get(0).fromSlot(), "no configuration known for slot %d (history starts at %d)",
                slot, epochs.get(0).fromSlot());
        for (int i = epochs.size() - 1; i >= 0; i--) {
            if (epochs.get(i).fromSlot() <= slot) {
                return epochs.get(i).configuration();
            }
        }
        throw new Invariants.InvariantViolation("unreachable");
    }

    /** The configuration after every change chosen so far. */
    public Configuration latest() {
        return epochs.get(epochs.size() - 1).configuration();
    }

    /** The latest epoch: the configuration after every change chosen so far and the slot it starts at. */
    public ConfigEpoch latestEpoch() {
        return epochs.get(epochs.size() - 1);
    }

    /** A change chosen but not yet in effect at {@code slot}, or -1. */
    public long pendingUntil(long slot) {
        long last = epochs.get(epochs.size() - 1).fromSlot();
        return last > slot ? last : -1;
    }

    public void add(ConfigEpoch epoch) {
        if (!epochs.isEmpty()) {
            Invariants.check(epoch.fromSlot() > epochs.get(epochs.size() - 1).fromSlot(),
                    "config epochs must start at increasing slots");
        }
        epochs.add(epoch);
    }

    /** Forgets epochs wholly before {@code slot}; keeps the one in force at it. */
    public void forgetBefore(long slot) {
        while (epochs.size() > 1 && epochs.get(1).fromSlot() <= slot) {
            epochs.remove(0);
        }
    }

    public List<ConfigEpoch> epochs() {
        return List.copyOf(epochs);
    }
}
