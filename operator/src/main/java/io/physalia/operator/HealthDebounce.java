package io.physalia.operator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns health-check results into the health the engine acts on. A node counts as unhealthy
 * after {@code failuresToFail} failed checks in a row (one a second: the detection delay), and
 * healthy again after one good check. And the health source is not trusted blindly: when more
 * than {@code maxUnhealthyShare} of one color's nodes would be unhealthy at once, that looks like
 * a broken health check or network rather than many failed machines (§5.1 of the paper: a
 * control plane must not amplify an outage), so no node of that color is newly reported unhealthy
 * and {@link #suspect()} says why, until the share falls again. What is seen is still said:
 * {@link #seenChanged()} names the nodes whose checks crossed the threshold this round, trusted
 * or not, so the cells' status (what their members answer) is looked at again even while no
 * repair may start. Pure: no clock, no I/O.
 */
public final class HealthDebounce {
    /** A change of a node's health the engine must hear of. */
    public record Change(String node, boolean healthy) {}

    private final int failuresToFail;
    private final double maxUnhealthyShare;
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Boolean> reported = new HashMap<>();
    private final TreeMap<String, String> suspect = new TreeMap<>();
    private final List<String> seenChanged = new java.util.ArrayList<>();

    public HealthDebounce(int failuresToFail, double maxUnhealthyShare) {
        if (failuresToFail < 1 || maxUnhealthyShare <= 0 || maxUnhealthyShare > 1) {
            throw new IllegalArgumentException("failuresToFail must be >= 1 and maxUnhealthyShare in (0, 1]");
        }
        this.failuresToFail = failuresToFail;
        this.maxUnhealthyShare = maxUnhealthyShare;
    }

    /**
     * One round of checks: {@code ok} holds every node of the colony (by color) and whether its
     * check passed. Returns the changes to report, and remembers them as reported.
     */
    public List<Change> round(Map<String, Map<String, Boolean>> okByColor) {
        List<Change> out = new java.util.ArrayList<>();
        suspect.clear();
        seenChanged.clear();
        for (Map.Entry<String, Map<String, Boolean>> color : new TreeMap<>(okByColor).entrySet()) {
            Map<String, Boolean> nodes = new TreeMap<>(color.getValue());
            int wouldBeDown = 0;
            for (Map.Entry<String, Boolean> n : nodes.entrySet()) {
                int before = failures.getOrDefault(n.getKey(), 0);
                int f = n.getValue() ? 0 : Math.min(failuresToFail, before + 1);
                failures.put(n.getKey(), f);
                if ((f >= failuresToFail) != (before >= failuresToFail)) {
                    seenChanged.add(n.getKey());
                }
                if (f >= failuresToFail) {
                    wouldBeDown++;
                }
            }
            boolean trusted = wouldBeDown <= Math.floor(maxUnhealthyShare * nodes.size());
            if (!trusted) {
                suspect.put(color.getKey(), wouldBeDown + " of " + nodes.size() + " nodes of color " + color.getKey()
                        + " fail their health checks at once (more than " + Math.round(maxUnhealthyShare * 100)
                        + "%): that looks like a broken health source, so no repair starts for them");
            }
            for (String n : nodes.keySet()) {
                boolean healthy = failures.get(n) < failuresToFail;
                Boolean was = reported.get(n);
                if (was == null) {
                    reported.put(n, true); // a new node starts healthy; its checks decide from here
                    was = true;
                }
                if (was != healthy && (healthy || trusted)) {
                    reported.put(n, healthy);
                    out.add(new Change(n, healthy));
                }
            }
        }
        return out;
    }

    /**
     * The nodes whose checks crossed the threshold in the last round (down after enough failures
     * in a row, or up again after being down), whether or not the change was reported.
     */
    public List<String> seenChanged() {
        return List.copyOf(seenChanged);
    }

    /** Colors whose health source is not trusted now, and why. */
    public TreeMap<String, String> suspect() {
        return new TreeMap<>(suspect);
    }

    /** The health last reported for {@code node} (true for a node not seen yet). */
    public boolean healthy(String node) {
        return reported.getOrDefault(node, true);
    }
}
