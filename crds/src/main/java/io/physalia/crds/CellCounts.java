package io.physalia.crds;

/** Colony.status.cells: how many cells the colony has, by phase. */
public class CellCounts {
    private int total;
    private int pending;
    private int placed;
    private int ready;
    private int degraded;
    private int unavailable;

    public int getTotal() {
        return total;
    }

    public void setTotal(int total) {
        this.total = total;
    }

    public int getPending() {
        return pending;
    }

    public void setPending(int pending) {
        this.pending = pending;
    }

    public int getPlaced() {
        return placed;
    }

    public void setPlaced(int placed) {
        this.placed = placed;
    }

    public int getReady() {
        return ready;
    }

    public void setReady(int ready) {
        this.ready = ready;
    }

    public int getDegraded() {
        return degraded;
    }

    public void setDegraded(int degraded) {
        this.degraded = degraded;
    }

    public int getUnavailable() {
        return unavailable;
    }

    public void setUnavailable(int unavailable) {
        this.unavailable = unavailable;
    }
}
