package io.physalia.simulations;

import java.io.IOException;
import java.util.Map;

/**
 * One colony-scale experiment run by {@code physalia simulate NAME}. A simulation is deterministic
 * given {@link SimulationOptions#seed()}: the same seed and parameters print the same figures.
 */
public interface Simulation {
    /** The name typed after {@code physalia simulate}, lower case with dashes. */
    String name();

    /** One line for {@code physalia simulate list}. */
    String summary();

    /**
     * The parameters this simulation accepts beyond the common ones, each with a one-line
     * description (shown by {@code physalia simulate NAME --help}). Any other flag is refused
     * before the run starts.
     */
    Map<String, String> parameters();

    /**
     * Runs the simulation: progress to {@link SimulationOutput#progress}, the result table to
     * {@link SimulationOutput#out}, plots through {@link SimulationOutput#writeSvg}.
     */
    void run(SimulationOptions options, SimulationOutput output) throws IOException;
}
