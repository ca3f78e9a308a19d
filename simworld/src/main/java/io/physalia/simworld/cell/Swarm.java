package io.physalia.simworld.cell;

import io.physalia.core.kv.TxnStatus;
import io.physalia.core.paxos.ReplicaConfig;
import io.physalia.simworld.SimRandom;
import io.physalia.simworld.net.Fault;
import io.physalia.simworld.net.MessageMatcher;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * One randomized run: the seed picks the cell size, the workload and which faults strike at
 * which rates (message loss, duplication, reordering, delay, crashes with dirty reboots, torn
 * writes, partitions, clock rates within the clock-rate bound, picked from 2x, 3x and 4x). After the faults stop, the cell must
 * make progress again (liveness), every invariant must have held after every event, and the
 * client history must be linearizable.
 */
public final class Swarm {
    private Swarm() {}

    /** What one run did, for reports. */
    /**
     * @param clients the seed's clients
     * @param afterHealing operations completed after the faults ended (each client's write and its read back)
     */
    public record Outcome(long seed, int nodes, long events, long completed, long unknown, long chosenSlots,
                          String faults, int clients, long afterHealing) {}

    public static Outcome run(long seed) {
        return run(seed, false);
    }

    /** With {@code trace}, prints every network event (Pings omitted) to standard output. */
    public static Outcome run(long seed, boolean trace) {
        try {
            return runUnchecked(seed, trace);
        } catch (RuntimeException e) {
            throw new AssertionError("[seed " + seed + ", replay: ./mvnw -pl simworld -am test -Dtest=SwarmTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dsimworld.seed=" + seed + "] " + e, e);
        }
    }

    private static Outcome runUnchecked(long seed, boolean trace) {
        SimRandom pick = new SimRandom(seed ^ 0x5DEECE66DL);
        int n = pick.pick(List.of(3, 5, 7));
        int clockRateBound = pick.pick(List.of(2, 3, 4));
        ReplicaConfig cfg = ReplicaConfig.DEFAULT.withAlpha(1 + pick.nextInt(3))
                .withLease(pick.chance(0.3) ? 0 : 100 + pick.nextLong(900), clockRateBound)
                .withLog(1 + pick.nextInt(40), pick.nextInt(30), 1 + pick.nextInt(20));
        CellWorld w = new CellWorld(seed, n, cfg);
        w.scheduler().setEventLimit(5_000_000); // a run needs well under a million; more means a livelock
        if (trace) {
            w.network().observe(e -> {
                if (!(e.delivery().message() instanceof Packet.Ping)) {
                    System.out.println(e.timeMillis() + "ms " + e.kind() + " " + e.delivery().from() + "->"
                            + e.delivery().to() + " " + w.describe(e.delivery().message())
                            + (e.reason() == null ? "" : " (" + e.reason() + ")"));
                }
            });
        }
        List<String> faults = new ArrayList<>();

        double drop = pick.chance(0.6) ? pick.nextDouble() * 0.2 : 0;
        double dup = pick.chance(0.4) ? pick.nextDouble() * 0.1 : 0;
        double reorder = pick.chance(0.4) ? pick.nextDouble() * 0.2 : 0;
        if (drop > 0) {
            w.network().addRule("drop", MessageMatcher.any(), new Fault.Drop(drop));
            faults.add(String.format("drop=%.2f", drop));
        }
        if (dup > 0) {
            w.network().addRule("dup", MessageMatcher.any(), new Fault.Duplicate(dup));
            faults.add(String.format("dup=%.2f", dup));
        }
        if (reorder > 0) {
            w.network().addRule("reorder", MessageMatcher.any(), new Fault.Reorder(reorder, 30));
            faults.add(String.format("reorder=%.2f", reorder));
        }
        if (pick.chance(0.5)) {
            for (String node : w.nodes().keySet()) {
                // fastest/slowest stays just under the bound the replicas assume
                w.node(node).clock().setRate(0.6 + pick.nextDouble() * 0.6 * (0.94 * clockRateBound - 1));
            }
            faults.add("clock-rates<" + clockRateBound + "x");
        }
        if (pick.chance(0.5)) {
            for (String node : w.nodes().keySet()) {
                w.node(node).disk().setSyncLatency(0, 1 + pick.nextLong(8));
                w.node(node).disk().setTornWriteProbability(0.5);
            }
            faults.add("slow-torn-disks");
        }

        Workload load = new Workload(w);
        int clients = 1 + pick.nextInt(4);
        for (int i = 0; i < clients; i++) {
            load.startKvClient(w.addClient());
        }
        if (pick.chance(0.4)) {
            for (int i = 0; i < 2; i++) {
                load.startLeaseClient(w.addClient(), 100 + pick.nextLong(300));
            }
            faults.add("leases");
        }

        long faultWindow = 1500 + pick.nextLong(2500);
        int crashes = pick.chance(0.6) ? 1 + pick.nextInt(6) : 0;
        List<String> names = new ArrayList<>(w.nodes().keySet());
        for (int i = 0; i < crashes; i++) {
            String victim = pick.pick(names);
            long at = pick.nextLong(faultWindow);
            long down = 20 + pick.nextLong(600);
            w.scheduler().at(at, () -> w.crash(victim));
            w.scheduler().at(Math.min(at + down, faultWindow), () -> w.restart(victim));
        }
        if (crashes > 0) {
            faults.add("crashes=" + crashes);
        }
        int partitions = pick.chance(0.5) ? 1 + pick.nextInt(4) : 0;
        for (int i = 0; i < partitions; i++) {
            List<String> shuffled = new ArrayList<>(names);
            pick.shuffle(shuffled);
            List<String> side = shuffled.subList(0, 1 + pick.nextInt(n - 1));
            String name = "p" + i;
            long at = pick.nextLong(faultWindow);
            w.scheduler().at(at, () -> w.partition(name, side.toArray(String[]::new)));
            w.scheduler().at(Math.min(at + 50 + pick.nextLong(800), faultWindow), () -> w.heal(name));
        }
        if (partitions > 0) {
            faults.add("partitions=" + partitions);
        }

        boolean wire = pick.chance(0.3);
        if (wire) {
            w.useWire(1);
            faults.add("wire");
            if (pick.chance(0.5)) {
                w.corruptFrames(pick.nextDouble() * 0.05);
                faults.add("bit-flips");
            }
            if (pick.chance(0.5)) {
                long at = pick.nextLong(1000);
                w.scheduler().at(at, () -> w.rotateKey(1, 2, 100 + pick.nextLong(300)));
                faults.add("key-rotation");
            }
        }

        Reconfigurer reconfigurer = null;
        if (pick.chance(0.3)) {
            reconfigurer = new Reconfigurer(w, 2);
            reconfigurer.startAt(pick.nextLong(faultWindow / 2));
            faults.add("reconfiguration");
        }

        w.runFor(faultWindow);
        if (reconfigurer != null) {
            reconfigurer.stop();
        }
        // Faults end: heal, restart everyone, stop message faults; the cell must recover.
        w.healAll();
        w.network().clearRules();
        for (String node : names) {
            w.restart(node);
        }
        if (reconfigurer != null) {
            reconfigurer.hostAddedMembers(); // an add chosen but not yet hosted when the stand-in stopped
        }
        load.stop();
        if (!w.runUntilClientsIdle(20_000)) {
            throw new AssertionError(w.failurePrefix() + "clients still waiting 20s after the faults ended");
        }
        long before = load.completed();
        // Liveness: with everything healed, every client writes a key of its own and reads it back.
        long[] afterHealing = {0};
        for (SimClient c : w.clients().subList(0, clients)) {
            String key = "healed-" + c.name();
            w.perform(c, new ClientOp.Put(key, seed), written -> {
                if (written == null || written.status() != TxnStatus.OK) {
                    throw new AssertionError(w.failurePrefix() + c.name() + " could not write after healing: " + written
                            + (trace ? "\n" + w.dump() : ""));
                }
                afterHealing[0]++;
                w.perform(c, new ClientOp.Get(key), read -> {
                    if (read == null || !BigInteger.valueOf(seed).equals(read.value())) {
                        throw new AssertionError(w.failurePrefix() + c.name() + " did not read its write back after healing: "
                                + read + (trace ? "\n" + w.dump() : ""));
                    }
                    afterHealing[0]++;
                });
            });
        }
        if (!w.runUntilClientsIdle(20_000)) {
            throw new AssertionError(w.failurePrefix() + "no progress after healing");
        }
        w.checkLinearizable();
        w.checkFrames();
        return new Outcome(seed, n, w.scheduler().eventsRun(), before + afterHealing[0], load.unknown(),
                w.invariants().chosenSlots(CellWorld.CELL), String.join(",", faults), clients, afterHealing[0]);
    }
}
