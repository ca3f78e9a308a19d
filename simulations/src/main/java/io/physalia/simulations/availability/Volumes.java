package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.AggLayer;
import io.physalia.simulations.datacenter.Datacenter;
import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Where volumes sit. EBS keeps a volume's client, primary and replica near each other (paper
 * section 3.1): here in one row, chosen uniformly; and apart enough to fail independently: on
 * three racks uplinked to different aggs, chosen uniformly among such triples. With one uplink
 * per rack this makes the three independent under agg failures, the setting in which the paper's
 * Figure 12 peaks at 29%.
 */
public final class Volumes {
    private Volumes() {}

    public static List<Volume> sample(Datacenter dc, int count, RandomGenerator random) {
        requireThreeUplinkSets(dc);
        int racksPerRow = dc.shape().racksPerRow();
        AggLayer aggs = dc.aggs();
        List<Volume> out = new ArrayList<>(count);
        while (out.size() < count) {
            int first = dc.firstRackOfRow(random.nextInt(dc.shape().rows()));
            int c = first + random.nextInt(racksPerRow);
            int p = first + random.nextInt(racksPerRow);
            int r = first + random.nextInt(racksPerRow);
            if (c == p || c == r || p == r || aggs.sameUplinks(c, p) || aggs.sameUplinks(c, r) || aggs.sameUplinks(p, r)) {
                continue;
            }
            out.add(new Volume(c, p, r));
        }
        return out;
    }

    /** The three places a placement request names as the cell's clients: client, primary, replica. */
    public static List<Location> clients(Datacenter dc, Volume v) {
        return List.of(dc.rackLocation(v.client()), dc.rackLocation(v.primary()), dc.rackLocation(v.replica()));
    }

    private static void requireThreeUplinkSets(Datacenter dc) {
        int first = dc.firstRackOfRow(0);
        List<Integer> distinct = new ArrayList<>();
        for (int k = first; k < first + dc.shape().racksPerRow(); k++) {
            final int rack = k;
            if (distinct.stream().noneMatch(d -> dc.aggs().sameUplinks(d, rack))) {
                distinct.add(rack);
            }
        }
        if (distinct.size() < 3) {
            throw new IllegalArgumentException("a row's racks uplink to only " + distinct.size()
                    + " different sets of aggs; a volume's client, primary and replica need 3"
                    + " (raise --aggs-per-row to at least 3, and keep --uplinks below it)");
        }
    }
}
