package io.physalia.simworld;

/**
 * Thrown when a simulation runs more events than its limit allows. A run that never goes
 * quiet (a retry loop, timers re-arming forever) would otherwise hang the build; this turns
 * it into a test failure that names the simulated time it got stuck at.
 */
public final class EventLimitExceeded extends IllegalStateException {
    public EventLimitExceeded(long limit, long nowMillis) {
        super("simulation ran " + limit + " events without finishing (simulated time "
                + nowMillis + " ms); raise the limit with setEventLimit if the run is legitimately long");
    }
}
