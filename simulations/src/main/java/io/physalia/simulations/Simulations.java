package io.physalia.simulations;

import io.physalia.simulations.availability.AvailabilitySimulation;
import io.physalia.simulations.availability.CellSizeSimulation;
import io.physalia.simulations.availability.LoadSimulation;
import io.physalia.simulations.safety.BlastRadiusSimulation;
import io.physalia.simulations.safety.MassFailureSimulation;
import io.physalia.simulations.safety.ScaleSimulation;
import java.util.List;

/** Every simulation {@code physalia simulate} knows, in the order {@code list} shows them. */
public final class Simulations {
    private Simulations() {}

    public static List<Simulation> all() {
        return List.of(
                // One line per simulation; keep the order of docs/simulations.md.
                new AvailabilitySimulation(),
                new CellSizeSimulation(),
                new LoadSimulation(),
                new BlastRadiusSimulation(),
                new ScaleSimulation(),
                new MassFailureSimulation()
        );
    }
}
