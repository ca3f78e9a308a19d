package io.physalia.controlplane;

import io.physalia.topology.Location;
import io.physalia.topology.NodeTopology;
import io.physalia.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Test fleets: regular ones built by hand and random ones from a seed. */
final class Fleets {
    private Fleets() {}

    /**
     * A regular datacenter: zones z1.., rows r1.. (named per zone: z1 has rows z1r1...), racks
     * (z1r1k1...) with {@code nodesPerRack} nodes; power domains span racks: a row's racks are
     * fed by {@code powerPerRow} domains in turn.
     */
    static Topology regular(int zones, int rowsPerZone, int racksPerRow, int nodesPerRack, int powerPerRow) {
        List<NodeTopology> nodes = new ArrayList<>();
        for (int z = 1; z <= zones; z++) {
            for (int r = 1; r <= rowsPerZone; r++) {
                String row = "z" + z + "r" + r;
                for (int k = 1; k <= racksPerRow; k++) {
                    String rack = row + "k" + k;
                    for (int n = 1; n <= nodesPerRack; n++) {
                        String power = row + "p" + (1 + (k - 1 + n - 1) % powerPerRow);
                        nodes.add(new NodeTopology(rack + "n" + n, "z" + z, row, rack, power));
                    }
                }
            }
        }
        return Topology.of(nodes);
    }

    static Fleet colored(Topology t, List<String> colors, int capacity) {
        return Fleet.of(t, ColorPlan.assign(t, colors), capacity);
    }

    /** A random fleet: 1-2 zones, 1-3 rows each, 2-6 racks each, 1-6 nodes per rack, power domains spanning racks. */
    static Fleet random(RandomGenerator rnd) {
        List<NodeTopology> nodes = new ArrayList<>();
        int zones = 1 + rnd.nextInt(2);
        for (int z = 1; z <= zones; z++) {
            int rows = 1 + rnd.nextInt(3);
            for (int r = 1; r <= rows; r++) {
                String row = "z" + z + "r" + r;
                int racks = 2 + rnd.nextInt(5);
                int powers = 1 + rnd.nextInt(4);
                for (int k = 1; k <= racks; k++) {
                    int per = 1 + rnd.nextInt(6);
                    for (int n = 1; n <= per; n++) {
                        String power = "z" + z + "p" + (1 + rnd.nextInt(powers));
                        nodes.add(new NodeTopology(row + "k" + k + "n" + n, "z" + z, row, row + "k" + k, power));
                    }
                }
            }
        }
        Topology t = Topology.of(nodes);
        List<String> colors = List.of("blue", "green", "red").subList(0, 1 + rnd.nextInt(3));
        return Fleet.of(t, ColorPlan.assign(t, colors), 2 + rnd.nextInt(30));
    }

    /** A random client location: usually in a rack that exists, sometimes in a rack the fleet does not know. */
    static Location randomClient(Fleet fleet, RandomGenerator rnd) {
        Node n = fleet.nodes().get(rnd.nextInt(fleet.nodes().size()));
        return rnd.nextInt(10) == 0 ? new Location(n.topology().zone(), n.topology().row(), "client-rack")
                : n.topology().location();
    }

    static List<Location> randomClients(Fleet fleet, RandomGenerator rnd) {
        List<Location> out = new ArrayList<>();
        int count = 1 + rnd.nextInt(3);
        for (int i = 0; i < count; i++) {
            out.add(randomClient(fleet, rnd));
        }
        return out;
    }
}
