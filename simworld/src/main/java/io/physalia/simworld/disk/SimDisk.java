package io.physalia.simworld.disk;

import io.physalia.simworld.SimRandom;
import io.physalia.simworld.SimScheduler;
import io.physalia.simworld.Timer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One node's append-only log device. Appends land in a volatile buffer (the page cache); a
 * {@link #sync} makes everything appended before it durable after a latency; a {@link #crash}
 * throws away everything not yet durable and every sync still in progress, so its callback
 * never runs. That is exactly the window in which "persist before send" matters.
 *
 * <p>Syncs complete in the order they were requested, as a device queue drains: a sync never
 * finishes before an earlier one.
 */
public final class SimDisk<R> {
    private final SimScheduler scheduler;
    private final SimRandom random;
    private final List<Stored<R>> stored = new ArrayList<>();
    private final ArrayDeque<Timer> syncsInProgress = new ArrayDeque<>();
    private int durableCount;
    private long lastSyncCompletesAtMillis = Long.MIN_VALUE;
    private long minSyncLatencyMillis = 1;
    private long maxSyncLatencyMillis = 2;
    private int capacityRecords = Integer.MAX_VALUE;
    private double tornWriteProbability;
    private long appends;
    private long appendsRejected;
    private long syncsRequested;
    private long syncsCompleted;
    private long crashes;
    private long lostOnCrash;

    public SimDisk(SimScheduler scheduler, SimRandom random) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.random = Objects.requireNonNull(random, "random");
    }

    // ---- knobs ----

    /** Each sync takes a latency drawn from [min, max]; a slow disk is a large range. */
    public void setSyncLatency(long minMillis, long maxMillis) {
        if (minMillis < 0 || maxMillis < minMillis) {
            throw new IllegalArgumentException("need 0 <= min <= max, was [" + minMillis + ", " + maxMillis + "]");
        }
        minSyncLatencyMillis = minMillis;
        maxSyncLatencyMillis = maxMillis;
    }

    /** Appends fail once the disk holds this many records (durable or not). Shrinking below the current size is allowed. */
    public void setCapacity(int records) {
        if (records < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + records);
        }
        capacityRecords = records;
    }

    /**
     * Probability that a crash tears the first unsynced record instead of losing it cleanly: it
     * survives as {@link Stored.Corrupt} at the end of the log, as a half-written block would.
     */
    public void setTornWriteProbability(double probability) {
        tornWriteProbability = SimRandom.requireProbability(probability);
    }

    // ---- operations ----

    /** Adds a record, not yet durable. Returns false, storing nothing, when the disk is full. */
    public boolean append(R record) {
        Objects.requireNonNull(record, "record");
        if (stored.size() >= capacityRecords) {
            appendsRejected++;
            return false;
        }
        stored.add(new Stored.Ok<>(record));
        appends++;
        return true;
    }

    /** Makes every record appended so far durable, then runs {@code onDurable} (unless the disk crashes first). */
    public void sync(Runnable onDurable) {
        Objects.requireNonNull(onDurable, "onDurable");
        syncsRequested++;
        int coversRecords = stored.size();
        long completesAtMillis = Math.max(
                scheduler.now() + random.between(minSyncLatencyMillis, maxSyncLatencyMillis), lastSyncCompletesAtMillis);
        lastSyncCompletesAtMillis = completesAtMillis;
        syncsInProgress.add(scheduler.at(completesAtMillis, () -> {
            syncsInProgress.poll(); // FIFO completion: the head is this sync
            durableCount = Math.max(durableCount, Math.min(coversRecords, stored.size()));
            syncsCompleted++;
            onDurable.run();
        }));
    }

    /** Power loss: unsynced records are lost (or one is torn, see {@link #setTornWriteProbability}); syncs in progress never complete. */
    public void crash() {
        crashes++;
        abandonSyncsInProgress();
        int unsynced = stored.size() - durableCount;
        stored.subList(durableCount, stored.size()).clear();
        if (unsynced > 0 && random.chance(tornWriteProbability)) {
            stored.add(new Stored.Corrupt<>());
            durableCount++;
        }
        lostOnCrash += unsynced;
    }

    /** Replaces the whole device with an empty one (a node rebuilt on new hardware). Syncs in progress are dropped. */
    public void wipe() {
        abandonSyncsInProgress();
        stored.clear();
        durableCount = 0;
    }

    private void abandonSyncsInProgress() {
        for (Timer sync : syncsInProgress) {
            sync.cancel();
        }
        syncsInProgress.clear();
        lastSyncCompletesAtMillis = Long.MIN_VALUE;
    }

    /** Damages a stored record so it reads back as {@link Stored.Corrupt}; the damage survives crashes if the record does. */
    public void corrupt(int index) {
        Objects.checkIndex(index, stored.size());
        stored.set(index, new Stored.Corrupt<>());
    }

    /**
     * Everything on the device as the node would read it: before a crash that includes unsynced
     * records (the node reads its own writes); right after {@link #crash()} it is exactly what survived.
     */
    public List<Stored<R>> records() {
        return Collections.unmodifiableList(new ArrayList<>(stored));
    }

    public int size() {
        return stored.size();
    }

    /** How many records, from the start, are durable. */
    public int durableCount() {
        return durableCount;
    }

    public DiskStats stats() {
        return new DiskStats(appends, appendsRejected, syncsRequested, syncsCompleted, crashes, lostOnCrash);
    }
}
