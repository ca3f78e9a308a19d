package io.physalia.simulations.availability;

import io.physalia.simulations.datacenter.Datacenter;
import io.physalia.topology.Location;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The paper's rough placement heuristic (section 5.2): start from random placement, then, like a
 * bubble sort, try swapping a random member of one cell with a random member of another cell and
 * keep the swap when it improves locality; {@code candidates} tries per cell, one pass over the
 * cells in order. Locality of a cell: the sum, over its members and over its three clients, of
 * the topology {@link io.physalia.topology.Distance} rank (same rack 0, same row 1, same zone 2,
 * other zone 3); a swap is kept when the two cells' sum drops. Like random placement, it ignores
 * colors and the rack and power-domain rules.
 */
public final class SwapHeuristic {
    private SwapHeuristic() {}

    public record Result(StorePlacement placement, long swapsTried, long swapsKept) {}

    public static Result improve(Datacenter dc, List<Volume> volumes, StorePlacement start, int candidates,
            RandomGenerator random) {
        int n = start.volumes();
        if (n < 2) {
            return new Result(new StorePlacement("swap heuristic", start.nodes(), start.racks()), 0, 0);
        }
        int[][] nodes = new int[n][];
        for (int i = 0; i < n; i++) {
            nodes[i] = start.nodes()[i].clone();
        }
        long tried = 0;
        long kept = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < candidates; c++) {
                int j = random.nextInt(n - 1);
                if (j >= i) {
                    j++;
                }
                int x = random.nextInt(nodes[i].length);
                int y = random.nextInt(nodes[j].length);
                int a = nodes[i][x];
                int b = nodes[j][y];
                tried++;
                if (contains(nodes[i], b) || contains(nodes[j], a)) {
                    continue;
                }
                Volume vi = volumes.get(i);
                Volume vj = volumes.get(j);
                int before = locality(dc, a, vi) + locality(dc, b, vj);
                int after = locality(dc, b, vi) + locality(dc, a, vj);
                if (after < before) {
                    nodes[i][x] = b;
                    nodes[j][y] = a;
                    kept++;
                }
            }
        }
        return new Result(StorePlacement.of("swap heuristic", dc, nodes), tried, kept);
    }

    /** The distance ranks from node {@code node} to the volume's client, primary and replica, summed. */
    static int locality(Datacenter dc, int node, Volume v) {
        Location at = dc.rackLocation(dc.rackOf(node));
        return at.distanceTo(dc.rackLocation(v.client())).rank() + at.distanceTo(dc.rackLocation(v.primary())).rank()
                + at.distanceTo(dc.rackLocation(v.replica())).rank();
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
