package io.physalia.simulations.availability;

import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.OverlapStats;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.RateLimits;
import io.physalia.simulations.datacenter.Datacenter;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * "Ours": every volume's cell placed by the real control-plane engine ({@link ControlPlane#place})
 * on a fresh fleet of the datacenter, one after another, with the volume's client, primary and
 * replica racks as the cell's clients and the engine choosing the color.
 */
public final class EnginePlacement {
    private EnginePlacement() {}

    public record Result(StorePlacement placement, OverlapStats overlap) {}

    public static Result place(Datacenter dc, List<Volume> volumes, int size, PlacementPolicy policy, long seed) {
        Fleet fleet = dc.newFleet();
        ControlPlane engine = new ControlPlane(fleet, RateLimits.Config.defaults(), policy, new Random(seed));
        int[][] nodes = new int[volumes.size()][];
        for (int i = 0; i < volumes.size(); i++) {
            PlacementRequest req = new PlacementRequest("v" + i, Volumes.clients(dc, volumes.get(i)), Optional.empty(), size);
            PlacementResult r = engine.place(req);
            if (r instanceof PlacementResult.Refused refused) {
                throw new IllegalArgumentException("the engine could not place volume " + i + "'s cell of " + size
                        + " (" + refused.summary() + "); give the datacenter more nodes per rack or fewer colors");
            }
            List<String> members = ((PlacementResult.Placed) r).members();
            nodes[i] = members.stream().mapToInt(dc::nodeIndex).toArray();
        }
        return new Result(StorePlacement.of("ours (" + policy + ")", dc, nodes), OverlapStats.of(fleet));
    }
}
