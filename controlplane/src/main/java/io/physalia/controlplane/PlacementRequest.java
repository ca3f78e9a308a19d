package io.physalia.controlplane;

import io.physalia.topology.Location;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Asks for a new cell: its id, where its clients are, optionally its color (otherwise the engine
 * chooses the color with most room near the clients), and its size (odd; default 7).
 */
public record PlacementRequest(String cellId, List<Location> clients, Optional<String> color, int size) {
    public static final int DEFAULT_SIZE = 7;

    public PlacementRequest {
        Objects.requireNonNull(cellId, "cellId");
        clients = List.copyOf(clients);
        Objects.requireNonNull(color, "color");
        Rules.checkSize(size);
    }

    public static PlacementRequest of(String cellId, List<Location> clients) {
        return new PlacementRequest(cellId, clients, Optional.empty(), DEFAULT_SIZE);
    }

    public PlacementRequest withColor(String color) {
        return new PlacementRequest(cellId, clients, Optional.of(color), size);
    }

    public PlacementRequest withSize(int size) {
        return new PlacementRequest(cellId, clients, color, size);
    }
}
