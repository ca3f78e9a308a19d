/**
 * Deterministic simulation (the paper's SimWorld, section 4.1): everything runs on one thread,
 * driven by one {@link io.physalia.simworld.SimScheduler} and one seeded
 * {@link io.physalia.simworld.SimRandom}, so a seed replays a run exactly.
 *
 * <p>How the pieces fit: create the scheduler and the random source; give each component its
 * own {@code random.fork()} (in a fixed order) so components do not perturb each other's draws;
 * create one {@link io.physalia.simworld.net.SimNetwork} shared by all nodes and, per node, a
 * {@link io.physalia.simworld.SimClock} and a {@link io.physalia.simworld.disk.SimDisk}. Every
 * action is an event: message deliveries, sync completions, timers ({@code clock.afterLocal})
 * and client operations. Invariant checks go in {@code scheduler.afterEachEvent}; client
 * operations are recorded in a {@link io.physalia.simworld.linearizability.History} and checked
 * at the end with {@link io.physalia.simworld.linearizability.LinearizabilityChecker}.
 *
 * <p>Never iterate a hash-ordered collection in anything that affects the run, and never read a
 * real clock: {@code SimWorldDeterminismTest} guards this package, the harness must guard itself.
 */
package io.physalia.simworld;
