package io.physalia.simulations.safety;

import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Where new cells' clients are (the paper's instance, primary and replica): 1-3 racks. The first
 * is anywhere; in 80% of cells the others are in its row (the common case the paper describes),
 * otherwise anywhere in its zone, or (5%) in another zone. Each rack's location is one shared
 * instance, so a million cells do not carry a million copies.
 */
final class Clients {
    private final Datacenter dc;
    private final Location[] racks;

    Clients(Datacenter dc) {
        this.dc = dc;
        this.racks = new Location[dc.racks()];
        for (int z = 1; z <= dc.zones(); z++) {
            String zone = "z" + z;
            for (int r = 1; r <= dc.rowsPerZone(); r++) {
                String row = zone + "r" + r;
                for (int k = 1; k <= dc.racksPerRow(); k++) {
                    racks[index(z, r, k)] = new Location(zone, row, row + "k" + k);
                }
            }
        }
    }

    private int index(int zone, int row, int rack) {
        return ((zone - 1) * dc.rowsPerZone() + (row - 1)) * dc.racksPerRow() + (rack - 1);
    }

    private Location rack(int zone, int row, RandomGenerator rnd) {
        return racks[index(zone, row, 1 + rnd.nextInt(dc.racksPerRow()))];
    }

    List<Location> next(RandomGenerator rnd) {
        int zones = dc.zones();
        int z = 1 + rnd.nextInt(zones);
        int r = 1 + rnd.nextInt(dc.rowsPerZone());
        int count = 1 + rnd.nextInt(3);
        List<Location> out = new ArrayList<>(count);
        out.add(rack(z, r, rnd));
        for (int i = 1; i < count; i++) {
            int roll = rnd.nextInt(100);
            if (roll < 80) {
                out.add(rack(z, r, rnd));
            } else if (roll < 95 || zones == 1) {
                out.add(rack(z, 1 + rnd.nextInt(dc.rowsPerZone()), rnd));
            } else {
                int other = 1 + (z + rnd.nextInt(zones - 1)) % zones;
                out.add(rack(other, 1 + rnd.nextInt(dc.rowsPerZone()), rnd));
            }
        }
        return out;
    }
}
