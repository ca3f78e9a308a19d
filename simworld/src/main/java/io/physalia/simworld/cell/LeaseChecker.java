package io.physalia.simworld.cell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * At most one valid holder per lease, at every instant of simulated (real) time. A client
 * believes it holds a lease from the moment it first sent the request that was granted, for
 * the lease duration on its own clock, until it sends a release.
 */
public final class LeaseChecker {
    private final CellWorld world;
    private final Map<String, List<Belief>> beliefs = new HashMap<>();
    private long grants;

    private record Belief(SimClient client, long untilLocal) {}

    LeaseChecker(CellWorld world) {
        this.world = world;
    }

    /** {@code client} was granted (or renewed) {@code lease} by a request first sent at {@code sentLocal}. */
    public void granted(SimClient client, String lease, long sentLocal, long durationMillis) {
        grants++;
        List<Belief> list = beliefs.computeIfAbsent(lease, l -> new ArrayList<>());
        list.removeIf(b -> b.client() == client);
        list.add(new Belief(client, sentLocal + durationMillis));
    }

    /** The client stops believing (it is about to send a release, or it gave up). */
    public void forget(SimClient client, String lease) {
        List<Belief> list = beliefs.get(lease);
        if (list != null) {
            list.removeIf(b -> b.client() == client);
        }
    }

    public boolean believes(SimClient client, String lease) {
        List<Belief> list = beliefs.get(lease);
        return list != null && list.stream().anyMatch(b -> b.client() == client
                && client.clock().monotonicMillis() < b.untilLocal());
    }

    void afterEvent() {
        for (var e : beliefs.entrySet()) {
            SimClient valid = null;
            for (Belief b : e.getValue()) {
                if (b.client().clock().monotonicMillis() < b.untilLocal()) {
                    if (valid != null && valid != b.client()) {
                        throw new AssertionError(world.failurePrefix() + "lease " + e.getKey() + " held by "
                                + valid.name() + " and " + b.client().name() + " at t=" + world.now() + "ms");
                    }
                    valid = b.client();
                }
            }
        }
    }

    public long grants() {
        return grants;
    }
}
