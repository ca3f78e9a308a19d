package io.physalia.controlplane;

import io.physalia.topology.Location;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The control-plane engine: places new cells, repairs cells with failed members, moves cells
 * closer to their clients, within rate limits, and stops everything when paused. Pure: time
 * arrives as {@code nowMillis} arguments and randomness as the generator given at construction,
 * so a seed replays a run exactly.
 *
 * <p>Each {@link #tick(long)} issues at most one action per cell and leaves the cell alone until
 * that action is reported with {@link #reportCaughtUp(long)} or {@link #reportAborted(long)}.
 */
public final class ControlPlane {
    private final Fleet fleet;
    private final Placer placer;
    private final Replacer replacer;
    private final RandomGenerator random;
    private final RateLimits limits;
    private final ActionQueue actions = new ActionQueue();
    private final TreeSet<String> awaitingRepair = new TreeSet<>();
    private final TreeSet<String> awaitingMove = new TreeSet<>();
    /** Cells the engine cannot help now: why, and the fleet version when it last looked. */
    private final TreeMap<String, Blocked> blocked = new TreeMap<>();

    private record Blocked(String reason, long fleetVersion) {}
    private boolean paused;
    private String pauseReason = "";
    private long pausedAtMillis;
    private long deferredByRateLimit;

    public ControlPlane(Fleet fleet, RateLimits.Config limits, PlacementPolicy policy, RandomGenerator random) {
        this.fleet = fleet;
        this.placer = new Placer(fleet, policy);
        this.replacer = new Replacer(fleet, policy);
        this.random = random;
        this.limits = new RateLimits(limits);
    }

    /** An engine with the default rate limits and the default placement policy ({@link PlacementPolicy#DEFAULT}). */
    public ControlPlane(Fleet fleet, RandomGenerator random) {
        this(fleet, RateLimits.Config.defaults(), PlacementPolicy.DEFAULT, random);
    }

    public Fleet fleet() {
        return fleet;
    }

    /** Places a new cell by the rules, or explains why it cannot. Refused while paused. */
    public PlacementResult place(PlacementRequest request) {
        if (paused) {
            return new PlacementResult.Refused(request.cellId(), List.of(pausedMessage()));
        }
        Placer.Outcome o = placer.placeCell(request, random);
        if (o.cell() != null && !o.inNearestRow()) {
            awaitingMove.add(o.cell().id()); // placed farther out for lack of room: move in when room appears
        }
        return o.result();
    }

    private int nearestRowDistance(Cell cell) {
        int best = Integer.MAX_VALUE;
        for (Fleet.Row r : fleet.rows()) {
            if (!r.nodes(cell.color()).isEmpty()) {
                best = Math.min(best, r.distanceTo(cell.clients()));
            }
        }
        return best;
    }

    private record Far(Node node, int distance) {}

    /** The member farthest from the clients by row distance; ties go to the first by name. */
    private static Far farthestMember(Cell cell) {
        Node farthest = null;
        int far = -1;
        for (Node m : cell.members()) {
            int d = Fleet.rowDistance(m.topology().zone(), m.topology().row(), cell.clients());
            if (d > far || (d == far && m.name().compareTo(farthest.name()) < 0)) {
                far = d;
                farthest = m;
            }
        }
        return new Far(farthest, far);
    }

    /** A node became healthy or unhealthy; its cells are queued for repair. */
    public void setNodeHealth(String node, boolean healthy) {
        Node n = fleet.requireNode(node);
        fleet.setHealthy(n, healthy);
        if (!healthy) {
            n.cells().forEach(c -> awaitingRepair.add(c.id()));
        }
    }

    /** A cell's clients moved; the cell is queued to move closer to them. */
    public void moveClients(String cellId, List<Location> clients) {
        Cell c = fleet.cell(cellId).orElseThrow(() -> new IllegalArgumentException("no cell " + cellId));
        c.setClients(clients);
        blocked.remove(cellId);
        awaitingMove.add(cellId);
    }

    /** The big red button: from now on no action is issued and no cell placed, until {@link #resume()}. */
    public void pause(String reason, long nowMillis) {
        if (!paused) {
            pausedAtMillis = nowMillis;
        }
        paused = true;
        pauseReason = reason;
    }

    public void resume() {
        paused = false;
        pauseReason = "";
    }

    public boolean paused() {
        return paused;
    }

    private String pausedMessage() {
        return "control plane is paused since " + pausedAtMillis + " ms (" + pauseReason + "); no actions until resumed";
    }

    /** Issues the actions that are due now, repairs first, within the rate limits. Nothing while paused. */
    public List<Action> tick(long nowMillis) {
        List<Action> issued = new ArrayList<>();
        if (paused) {
            return issued;
        }
        work(awaitingRepair, ActionKind.REPAIR, nowMillis, issued);
        work(awaitingMove, ActionKind.MOVE_CLOSER, nowMillis, issued);
        return issued;
    }

    private record Plan(boolean done, Node leaving, Node joining, String refusal) {
        static final Plan DONE = new Plan(true, null, null, null);

        static Plan refused(String why) {
            return new Plan(false, null, null, why);
        }
    }

    private void work(TreeSet<String> queue, ActionKind kind, long nowMillis, List<Action> issued) {
        Iterator<String> it = queue.iterator();
        while (it.hasNext()) {
            String id = it.next();
            if (!limits.globalAvailable(nowMillis)) {
                deferredByRateLimit++;
                return;
            }
            if (actions.inFlight(id).isPresent()) {
                continue;
            }
            Blocked b = blocked.get(id);
            if (b != null && b.fleetVersion() == fleet.version()) {
                continue; // nothing changed since the last refusal: planning again would say the same
            }
            Cell cell = fleet.cell(id).orElseThrow();
            if (!limits.available(cell.color(), nowMillis)) {
                deferredByRateLimit++;
                continue;
            }
            Plan plan = kind == ActionKind.REPAIR ? planRepair(cell) : planMove(cell);
            if (plan.done()) {
                it.remove();
                blocked.remove(id);
                continue;
            }
            if (plan.refusal() != null) {
                blocked.put(id, new Blocked(plan.refusal(), fleet.version()));
                continue;
            }
            limits.tryTake(cell.color(), nowMillis);
            fleet.removeMember(cell, plan.leaving());
            fleet.reserve(plan.leaving(), 1);
            fleet.addMember(cell, plan.joining());
            issued.add(actions.issue(kind, cell, plan.leaving(), plan.joining(), nowMillis));
            blocked.remove(id);
        }
    }

    private Plan planRepair(Cell cell) {
        List<Node> down = cell.members().stream().filter(n -> !n.healthy())
                .sorted(Comparator.comparing(Node::name)).toList();
        if (down.isEmpty()) {
            return Plan.DONE;
        }
        int majority = cell.size() / 2 + 1;
        if (cell.size() - down.size() < majority) {
            return Plan.refused("repair of cell " + cell.id() + ": " + down.size() + " of " + cell.size()
                    + " members unhealthy; a membership change needs a healthy majority, so repair waits");
        }
        Node leaving = down.get(0);
        Replacer.Choice c = replacer.choose(cell, leaving, Integer.MAX_VALUE);
        if (c.node() == null) {
            return Plan.refused("repair of cell " + cell.id() + " (replacing " + leaving.name() + "): " + c.refusal());
        }
        return new Plan(false, leaving, c.node(), null);
    }

    private Plan planMove(Cell cell) {
        long down = cell.unhealthyMembers();
        if (down > 0) {
            return Plan.refused("move-closer of cell " + cell.id() + " waits: " + down + " of " + cell.size()
                    + " members unhealthy, repair comes first");
        }
        Far far = farthestMember(cell);
        if (far.node() == null || far.distance() <= nearestRowDistance(cell)) {
            return Plan.DONE;
        }
        Replacer.Choice c = replacer.choose(cell, far.node(), far.distance() - 1);
        if (c.node() == null) {
            return Plan.refused("move-closer of cell " + cell.id() + " (replacing " + far.node().name() + " in row "
                    + far.node().rowPath() + "): " + c.refusal());
        }
        return new Plan(false, far.node(), c.node(), null);
    }

    /** The new member caught up and the old one is gone; the cell may take its next action. */
    public void reportCaughtUp(long actionId) {
        Action a = actions.finish(actionId, ActionState.CAUGHT_UP);
        fleet.reserve(fleet.requireNode(a.leaving()), -1);
        requeue(a.cellId());
    }

    /** The membership change did not happen; the engine puts its model back and will try again. */
    public void reportAborted(long actionId) {
        Action a = actions.finish(actionId, ActionState.ABORTED);
        Cell cell = fleet.cell(a.cellId()).orElseThrow();
        Node leaving = fleet.requireNode(a.leaving());
        fleet.removeMember(cell, fleet.requireNode(a.joining()));
        fleet.reserve(leaving, -1);
        fleet.addMember(cell, leaving);
        blocked.remove(a.cellId());
        requeue(a.cellId());
    }

    private void requeue(String cellId) {
        Cell cell = fleet.cell(cellId).orElseThrow();
        if (cell.unhealthyMembers() > 0) {
            awaitingRepair.add(cellId);
        }
        awaitingMove.add(cellId);
    }

    /**
     * The cell is gone (deleted by its owner, its replicas dropped): it leaves the fleet and its
     * members get their slots back. An action in flight for it ends as aborted, without putting
     * the cell back. False if the engine did not know the cell.
     */
    public boolean forgetCell(String cellId) {
        Optional<Cell> c = fleet.cell(cellId);
        if (c.isEmpty()) {
            return false;
        }
        actions.inFlight(cellId).ifPresent(a -> {
            actions.finish(a.id(), ActionState.ABORTED);
            fleet.reserve(fleet.requireNode(a.leaving()), -1);
        });
        fleet.removeCell(c.get());
        awaitingRepair.remove(cellId);
        awaitingMove.remove(cellId);
        blocked.remove(cellId);
        return true;
    }

    public Optional<Action> inFlight(String cellId) {
        return actions.inFlight(cellId);
    }

    /** The action's state; empty if it was never issued, or finished before the last {@value ActionQueue#FINISHED_KEPT} actions that finished. */
    public Optional<ActionState> state(long actionId) {
        return actions.state(actionId);
    }

    private TreeMap<String, String> blockedReasons() {
        TreeMap<String, String> out = new TreeMap<>();
        blocked.forEach((k, v) -> out.put(k, v.reason()));
        return out;
    }

    /** What a restart must remember (see {@link EngineState}). */
    public EngineState state() {
        List<EngineState.CellState> cells = new ArrayList<>();
        for (Cell c : fleet.cells()) {
            cells.add(new EngineState.CellState(c.id(), c.color(), c.size(), c.clients(), c.memberNames()));
        }
        return new EngineState(paused, pauseReason, pausedAtMillis, actions.nextId(), cells, actions.inFlight(),
                new EngineState.Counters(actions.issued(ActionKind.REPAIR), actions.issued(ActionKind.MOVE_CLOSER),
                        actions.caughtUp(), actions.aborted(), deferredByRateLimit));
    }

    /**
     * Takes back a state saved with {@link #state()}, on an engine that has no cells yet and a
     * fleet with the same nodes and colors. Everything is checked before anything changes; a state
     * that does not fit is refused with every problem named. In-flight actions stay in flight (their
     * leaving nodes keep their reserved slot) until reported; every cell is looked at again for
     * repair and move-closer.
     */
    public void restore(EngineState s) {
        if (!fleet.cells().isEmpty() || !actions.inFlight().isEmpty()) {
            throw new IllegalStateException("restore needs an engine without cells or actions");
        }
        List<String> problems = StateCheck.problems(fleet, s);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("saved control-plane state does not fit this fleet: "
                    + String.join("; ", problems.subList(0, Math.min(10, problems.size())))
                    + (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more" : ""));
        }
        for (EngineState.CellState c : s.cells()) {
            fleet.addCell(c.id(), c.color(), c.size(), c.clients(), c.members().stream().map(fleet::requireNode).toList());
        }
        for (Action a : s.inFlight()) {
            fleet.reserve(fleet.requireNode(a.leaving()), 1);
        }
        actions.restore(s.nextActionId(), s.inFlight(), s.counters());
        deferredByRateLimit = s.counters().deferredByRateLimit();
        paused = s.paused();
        pauseReason = s.paused() ? s.pauseReason() : "";
        pausedAtMillis = s.pausedAtMillis();
        for (Cell c : fleet.cells()) {
            requeue(c.id());
        }
    }

    public EngineStatus status() {
        return new EngineStatus(paused, pauseReason, pausedAtMillis, actions.inFlight(), awaitingRepair.size(),
                awaitingMove.size(), blockedReasons(), actions.issued(ActionKind.REPAIR), actions.issued(ActionKind.MOVE_CLOSER),
                actions.caughtUp(), actions.aborted(), deferredByRateLimit);
    }
}
