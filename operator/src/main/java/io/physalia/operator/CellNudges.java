package io.physalia.operator;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.physalia.crds.Cell;

/**
 * Lets a colony's runtime ask for a Cell's reconcile now (it issued a repair for the cell, a
 * member's health changed), so idle cells need no frequent periodic reconcile: the engine's
 * decisions reach the reconciler as events.
 */
final class CellNudges extends AbstractEventSource<Void, Cell> {
    CellNudges() {
        super(Void.class, "cell-nudges");
    }

    @Override
    public java.util.Set<Void> getSecondaryResources(Cell primary) {
        return java.util.Set.of(); // events only: nothing is cached
    }

    void nudge(String namespace, String cell) {
        if (isRunning() && getEventHandler() != null) {
            getEventHandler().handleEvent(new Event(new ResourceID(cell, namespace)));
        }
    }
}
