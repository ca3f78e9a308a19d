package io.physalia.topology;

import java.util.Objects;

/**
 * A place in the datacenter down to the rack: where a node sits, or where a client of a cell
 * runs (the paper's client instance, primary and replica). Rack and row names are unique across
 * a fleet (see {@link Topology}), so a location is compared by all three names.
 */
public record Location(String zone, String row, String rack) {
    public Location {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(rack, "rack");
    }

    public Distance distanceTo(Location other) {
        if (!zone.equals(other.zone)) {
            return Distance.OTHER_ZONE;
        }
        if (!row.equals(other.row)) {
            return Distance.SAME_ZONE;
        }
        return rack.equals(other.rack) ? Distance.SAME_RACK : Distance.SAME_ROW;
    }

    /** The row as a path, for messages: {@code zone/row}. */
    public String rowPath() {
        return zone + "/" + row;
    }

    @Override
    public String toString() {
        return zone + "/" + row + "/" + rack;
    }
}
