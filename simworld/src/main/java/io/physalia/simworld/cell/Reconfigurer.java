package io.physalia.simworld.cell;

import io.physalia.core.cell.Command;
import io.physalia.core.cell.CommandResult;
import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import io.physalia.core.paxos.Replica;
import io.physalia.simworld.SimRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in control plane for the swarm: it replaces members one at a time, the way
 * move-closer and repair do (add a node, host its replica, then remove an old member), and
 * sometimes re-adds a node it removed earlier, as a new incarnation (the ABA case).
 */
public final class Reconfigurer {
    private final CellWorld world;
    private final SimClient admin;
    private final SimRandom random;
    private final List<String> spare = new ArrayList<>();
    /** Every member this stand-in ever hosted: never hosted again (its records may be gone, its votes are not). */
    private final java.util.Set<Member> hostedOnce = new java.util.HashSet<>();
    private int replacements;
    private boolean running = true;

    public Reconfigurer(CellWorld world, int spareNodes) {
        this.world = world;
        this.admin = world.addClient();
        this.random = world.random().fork();
        for (int i = 0; i < spareNodes; i++) {
            String name = "s" + (i + 1);
            world.addNode(name);
            spare.add(name);
        }
    }

    public void startAt(long atMillis) {
        world.scheduler().at(atMillis, this::addOne);
    }

    public void stop() {
        running = false;
    }

    /**
     * After the faults, the step a real control plane's next look would take (its membership
     * steps observe the configuration and host a joiner not hosted yet): host every added member
     * of the latest configuration that was never hosted. Such a member exists when the stand-in
     * stopped, or never heard the outcome of its add, after the add was chosen. Safe because no
     * replica of it ever existed, so it never voted; a member hosted once is never hosted again
     * (a node whose records of it were damaged refuses the cell, but its votes were counted).
     * Founding members (incarnation 0) are left alone.
     */
    public void hostAddedMembers() {
        Configuration c = latest();
        if (c == null) {
            return;
        }
        for (Member m : c.members()) {
            SimNode n = world.nodes().get(m.node().name());
            if (m.incarnation() > 0 && n != null) {
                hostWhenUp(n, m, c, 200);
            }
        }
    }

    public int replacements() {
        return replacements;
    }

    private Configuration latest() {
        Configuration best = null;
        long bestApplied = -1;
        for (SimNode n : world.nodes().values()) {
            Replica r = n.isUp() ? n.replica(CellWorld.CELL) : null;
            if (r != null && r.appliedUpTo() > bestApplied) {
                bestApplied = r.appliedUpTo();
                best = r.configuration();
            }
        }
        return best;
    }

    private void later(Runnable step) {
        if (running) {
            world.scheduler().after(50 + random.nextLong(200), step);
        }
    }

    private void addOne() {
        if (!running || spare.isEmpty()) {
            return;
        }
        String node = random.pick(spare);
        world.submit(admin, seq -> new Command.AddMember(admin.clientId(), seq, new NodeId(node)), r -> {
            if (r instanceof CommandResult.Membership m && m.applied()) {
                Member joined = m.pending().members().stream().filter(x -> x.node().name().equals(node))
                        .findFirst().orElseThrow();
                spare.remove(node);
                hostWhenUp(world.node(node), joined, m.pending(), 200);
                later(() -> removeOne(joined));
            } else {
                later(this::addOne); // refused (a change is pending) or unknown: try again
            }
        });
    }

    /** Hosts the new member's replica, waiting for its node to come back if it is down. */
    private void hostWhenUp(SimNode node, Member joined, Configuration joinedConfig, int triesLeft) {
        if (node.isUp()) {
            Replica current = node.replica(CellWorld.CELL);
            if (hostedOnce.contains(joined)) {
                return;
            }
            if (current == null || current.member().incarnation() < joined.incarnation()) {
                node.drop(CellWorld.CELL);
                node.host(CellWorld.CELL, joined, joinedConfig);
                hostedOnce.add(joined);
            }
        } else if (triesLeft > 0) {
            world.scheduler().after(50, () -> hostWhenUp(node, joined, joinedConfig, triesLeft - 1));
        }
    }

    private void dropWhenInForce(Member removed, int triesLeft) {
        SimNode n = world.node(removed.node().name());
        Replica r = n.replica(CellWorld.CELL);
        if (r == null || !r.member().equals(removed)) {
            return; // already gone, or the node hosts a newer incarnation
        }
        if (removalInForce(removed)) {
            n.drop(CellWorld.CELL);
        } else if (triesLeft > 0) {
            world.scheduler().after(100, () -> dropWhenInForce(removed, triesLeft - 1));
        }
    }

    /** Some other live member has applied past the slot from which {@code removed} no longer counts. */
    private boolean removalInForce(Member removed) {
        for (SimNode n : world.nodes().values()) {
            Replica r = n.isUp() ? n.replica(CellWorld.CELL) : null;
            if (r != null && !r.member().equals(removed) && r.appliedUpTo() > 0
                    && !r.state().configFor(r.appliedUpTo()).contains(removed)) {
                return true;
            }
        }
        return false;
    }

    private void removeOne(Member keep) {
        if (!running) {
            return;
        }
        Configuration c = latest();
        List<Member> candidates = new ArrayList<>(c == null ? List.of() : c.members());
        candidates.remove(keep);
        if (candidates.size() < 3) {
            return;
        }
        Member victim = random.pick(candidates);
        world.submit(admin, seq -> new Command.RemoveMember(admin.clientId(), seq, victim), r -> {
            if (r instanceof CommandResult.Membership m && m.applied()) {
                replacements++;
                spare.add(victim.node().name()); // it may come back later, as a new incarnation
                if (random.chance(0.7)) {
                    // The control plane drops the removed replica once the change is in force
                    // (earlier, the old configuration still needs it for the last alpha slots);
                    // sometimes it lags, and the stale replica keeps running for a while.
                    world.scheduler().after(100, () -> dropWhenInForce(victim, 200));
                }
                later(this::addOne);
            } else if (r instanceof CommandResult.Membership m && m.detail().contains("not in the configuration")) {
                later(this::addOne);
            } else {
                later(() -> removeOne(keep));
            }
        });
    }
}
