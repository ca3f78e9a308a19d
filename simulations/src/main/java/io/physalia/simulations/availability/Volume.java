package io.physalia.simulations.availability;

/**
 * One EBS-like volume (paper sections 3.1, 3.2): the client instance and the volume's primary and
 * replica storage servers, as rack indexes of a {@link io.physalia.simulations.datacenter.Datacenter}.
 * These three are the clients of the volume's configuration store (a Physalia cell, or the
 * single-point database it is compared with). They sit on three different racks.
 */
public record Volume(int client, int primary, int replica) {
    public Volume {
        if (client == primary || client == replica || primary == replica) {
            throw new IllegalArgumentException("a volume's client, primary and replica sit on three racks, got "
                    + client + ", " + primary + ", " + replica);
        }
    }
}
