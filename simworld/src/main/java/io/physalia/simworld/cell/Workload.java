package io.physalia.simworld.cell;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.simworld.SimRandom;
import java.util.List;

/**
 * Closed-loop clients: each performs one operation at a time on a few shared keys, thinks for
 * a moment, and goes again until told to stop. Values written are unique, so the checker can
 * tell every write apart. Lease clients acquire, renew and release one shared lease.
 */
public final class Workload {
    private static final List<String> KEYS = List.of("a", "b", "c");

    private final CellWorld world;
    private final SimRandom random;
    private boolean running = true;
    private long nextValue = 1;
    private long completed;
    private long unknown;

    public Workload(CellWorld world) {
        this.world = world;
        this.random = world.random().fork();
    }

    public void startKvClient(SimClient c) {
        world.scheduler().after(random.nextLong(10), () -> next(c));
    }

    private void next(SimClient c) {
        if (!running) {
            return;
        }
        String key = random.pick(KEYS);
        ClientOp op = switch (random.nextInt(5)) {
            case 0, 1 -> new ClientOp.Get(key);
            case 2 -> new ClientOp.Put(key, nextValue++);
            case 3 -> new ClientOp.Incr(key, 1 + random.nextLong(5));
            default -> new ClientOp.CasVersion(key, random.nextLong(6), nextValue++);
        };
        world.perform(c, op, out -> {
            if (out == null) {
                unknown++;
            } else {
                completed++;
            }
            world.scheduler().after(random.nextLong(20), () -> next(c));
        });
    }

    /** A client that takes the lease "L", renews it a few times, and releases it. */
    public void startLeaseClient(SimClient c, long durationMillis) {
        world.scheduler().after(random.nextLong(10), () -> acquire(c, durationMillis));
    }

    private void acquire(SimClient c, long duration) {
        if (!running) {
            return;
        }
        world.submit(c, seq -> new Command.LeaseAcquire(c.clientId(), seq, "L", c.name(), duration, 0), r -> {
            long sent = c.lastStartLocal();
            if (r instanceof CommandResult.Lease l && l.status() == CommandResult.LeaseStatus.GRANTED) {
                world.leases().granted(c, "L", sent, duration);
                world.scheduler().after(random.nextLong(duration / 2 + 1), () -> renew(c, duration, l.token(), 3));
            } else {
                world.scheduler().after(random.nextLong(duration), () -> acquire(c, duration));
            }
        });
    }

    private void renew(SimClient c, long duration, long token, int left) {
        if (!running || !world.leases().believes(c, "L")) {
            world.leases().forget(c, "L");
            world.scheduler().after(random.nextLong(duration), () -> acquire(c, duration));
            return;
        }
        if (left == 0) {
            world.leases().forget(c, "L"); // stop believing before asking to release
            world.submit(c, seq -> new Command.LeaseRelease(c.clientId(), seq, "L", c.name(), token),
                    r -> world.scheduler().after(random.nextLong(duration), () -> acquire(c, duration)));
            return;
        }
        world.submit(c, seq -> new Command.LeaseRenew(c.clientId(), seq, "L", c.name(), token), r -> {
            long sent = c.lastStartLocal();
            if (r instanceof CommandResult.Lease l && l.status() == CommandResult.LeaseStatus.RENEWED) {
                world.leases().granted(c, "L", sent, duration);
                world.scheduler().after(random.nextLong(duration / 2 + 1), () -> renew(c, duration, token, left - 1));
            } else {
                world.leases().forget(c, "L");
                world.scheduler().after(random.nextLong(duration), () -> acquire(c, duration));
            }
        });
    }

    public void stop() {
        running = false;
    }

    public long completed() {
        return completed;
    }

    public long unknown() {
        return unknown;
    }
}
