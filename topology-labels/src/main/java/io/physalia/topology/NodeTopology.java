package io.physalia.topology;

import java.util.Objects;

/**
 * Where one node sits: zone, row, rack, and its power domain. A node has exactly one power
 * domain; a power domain may span racks and rows, but not zones.
 */
public record NodeTopology(String node, String zone, String row, String rack, String power) {
    public NodeTopology {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(rack, "rack");
        Objects.requireNonNull(power, "power");
    }

    public Location location() {
        return new Location(zone, row, rack);
    }

    public Distance distanceTo(Location client) {
        return location().distanceTo(client);
    }
}
