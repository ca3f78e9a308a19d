package io.physalia.simulations.safety;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.ActionKind;
import io.physalia.controlplane.Cell;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.Node;
import io.physalia.controlplane.PlacementPolicy;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.RateLimits;
import io.physalia.controlplane.Rules;
import io.physalia.topology.Location;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Simulation 6, the computation: a colony with its cells placed; at t = 0 a fraction of the
 * nodes fails at once. The engine's tick loop runs on simulated time (one tick per
 * {@code tickMillis}); each action's new member catches up {@code catchUpMillis} after the action
 * is issued, when the simulation reports it. Recorded: every action, actions per minute (all and
 * per color), whether the rate limits held over every window, whether a cell ever had a second
 * action while one was in flight, how long until every repairable cell was repaired, and what
 * could not be repaired and why.
 */
public final class MassFailure {
    /**
     * @param pauseAtMinute when the big red button is pressed (minutes after the failure), or -1 for never
     * @param pauseMinutes how long it stays pressed
     */
    public record Config(Datacenter datacenter, int cells, int size, double failFraction, long tickMillis,
            long catchUpMillis, RateLimits.Config limits, int maxMinutes, int pauseAtMinute, int pauseMinutes, long seed) {}

    /**
     * The exact window check of one token bucket over the actions it let through.
     *
     * @param worstExcess over every window of consecutive actions, the most actions beyond what
     *     the bucket allows ({@code burst + window / refill}); at most 0 when the limit held
     * @param peakPerMinute the most actions in any minute bucket
     */
    public record LimitCheck(String bucket, int burst, long refillMillis, int actions, long worstExcess, int peakPerMinute) {
        public boolean held() {
            return worstExcess <= 0;
        }

        /** Actions per minute the bucket allows once its burst is spent. */
        public double sustainedPerMinute() {
            return 60_000.0 / refillMillis;
        }
    }

    /**
     * @param cellsToRepair cells with at least one failed member at t = 0
     * @param cellsMajorityDown cells with a majority of members failed at t = 0 (no membership
     *     change is possible until nodes return)
     * @param crossRowRepairs repairs whose new member is in another row than the one it replaces
     * @param crossRowFarther of those, the ones whose new row is farther from the cell's clients
     * @param secondActions actions issued for a cell that already had one in flight (must be 0)
     * @param ruleViolations actions after which the cell broke a placement rule (must be 0)
     * @param repairedAtMillis when the last action caught up (every repairable cell repaired)
     * @param finished whether the engine ran out of work within the time limit
     * @param unrepaired cells still with a failed member at the end, by reason
     * @param examples one engine explanation per reason
     * @param actionsWhilePaused actions issued while the big red button was pressed (must be 0)
     * @param caughtUpWhilePaused actions in flight when it was pressed that still finished meanwhile
     */
    public record Result(int nodes, int nodesFailed, int cells, int cellsToRepair, int cellsMajorityDown, int repairs,
            int moves, int crossRowRepairs, int crossRowFarther, int secondActions, int ruleViolations, int[] perMinute,
            Map<String, int[]> perMinuteByColor, LimitCheck global, List<LimitCheck> colors, long repairedAtMillis,
            boolean finished, int minutesSimulated, Map<String, Integer> unrepaired, Map<String, String> examples,
            int actionsWhilePaused, int caughtUpWhilePaused) {

        public boolean limitsHeld() {
            return global.held() && colors.stream().allMatch(LimitCheck::held);
        }
    }

    static final String MAJORITY_DOWN = "a majority of members is down: a membership change needs a healthy majority,"
            + " so repair waits for nodes to return";
    static final String NO_REPLACEMENT = "no healthy node of the color keeps the rules with room to spare";

    private MassFailure() {}

    public static Result run(Config config, Consumer<String> progress) {
        Datacenter dc = config.datacenter();
        Fleet fleet = dc.fleet();
        ControlPlane cp = new ControlPlane(fleet, config.limits(), PlacementPolicy.DEFAULT,
                new SplittableRandom(config.seed()));
        SplittableRandom rnd = new SplittableRandom(config.seed() + 1);
        Clients clients = new Clients(dc);
        for (int i = 0; i < config.cells(); i++) {
            PlacementResult r = cp.place(PlacementRequest.of("c" + i, clients.next(rnd)).withSize(config.size()));
            if (!(r instanceof PlacementResult.Placed)) {
                throw new IllegalArgumentException("the colony is too small for --cells " + config.cells() + ": "
                        + ((PlacementResult.Refused) r).summary());
            }
            if (i % 1_000 == 0) {
                progress.accept("placed " + i + " of " + config.cells() + " cells");
            }
        }

        // t = 0: a random fraction of the nodes fails at once.
        List<Node> shuffled = new ArrayList<>(fleet.nodes());
        Collections.shuffle(shuffled, new java.util.Random(config.seed() + 2));
        int failed = (int) Math.round(config.failFraction() * shuffled.size());
        for (Node n : shuffled.subList(0, failed)) {
            cp.setNodeHealth(n.name(), false);
        }
        int toRepair = 0;
        int majorityDown = 0;
        for (Cell c : fleet.cells()) {
            long down = c.unhealthyMembers();
            toRepair += down > 0 ? 1 : 0;
            majorityDown += down > c.size() / 2 ? 1 : 0;
        }

        List<String> colors = new ArrayList<>(fleet.colors());
        int minutes = config.maxMinutes();
        int[] perMinute = new int[minutes + 1];
        Map<String, int[]> perMinuteByColor = new TreeMap<>();
        Map<String, List<Long>> issuedByColor = new TreeMap<>();
        for (String c : colors) {
            perMinuteByColor.put(c, new int[minutes + 1]);
            issuedByColor.put(c, new ArrayList<>());
        }
        List<Long> issued = new ArrayList<>();
        ArrayDeque<Action> pending = new ArrayDeque<>();
        Map<String, Action> inFlight = new HashMap<>();
        int repairs = 0;
        int moves = 0;
        int crossRow = 0;
        int crossRowFarther = 0;
        int secondActions = 0;
        int violations = 0;
        long repairedAt = 0;
        long quietSince = -1;
        long quietNeeded = Math.max(config.limits().globalRefillMillis(), config.limits().colorRefillMillis())
                + config.tickMillis();
        boolean finished = false;
        long now = 0;
        long end = minutes * 60_000L;
        long pauseAt = config.pauseAtMinute() < 0 ? Long.MAX_VALUE : config.pauseAtMinute() * 60_000L;
        long resumeAt = config.pauseAtMinute() < 0 ? Long.MAX_VALUE : pauseAt + config.pauseMinutes() * 60_000L;
        int actionsWhilePaused = 0;
        int caughtUpWhilePaused = 0;
        for (; now <= end; now += config.tickMillis()) {
            if (now >= pauseAt && now < resumeAt && !cp.paused()) {
                cp.pause("simulated big red button at minute " + config.pauseAtMinute(), now);
            } else if (now >= resumeAt && cp.paused()) {
                cp.resume();
            }
            while (!pending.isEmpty() && pending.peek().issuedAtMillis() + config.catchUpMillis() <= now) {
                Action a = pending.poll();
                cp.reportCaughtUp(a.id());
                inFlight.remove(a.cellId());
                repairedAt = now;
                caughtUpWhilePaused += cp.paused() ? 1 : 0;
            }
            List<Action> actions = cp.tick(now);
            if (cp.paused()) {
                actionsWhilePaused += actions.size();
            }
            for (Action a : actions) {
                if (inFlight.putIfAbsent(a.cellId(), a) != null) {
                    secondActions++;
                }
                pending.add(a);
                issued.add(now);
                issuedByColor.get(a.color()).add(now);
                int minute = (int) (now / 60_000);
                perMinute[minute]++;
                perMinuteByColor.get(a.color())[minute]++;
                if (a.kind() == ActionKind.REPAIR) {
                    repairs++;
                } else {
                    moves++;
                }
                Node leaving = fleet.node(a.leaving()).orElseThrow();
                Node joining = fleet.node(a.joining()).orElseThrow();
                Cell cell = fleet.cell(a.cellId()).orElseThrow();
                if (!leaving.rowPath().equals(joining.rowPath())) {
                    crossRow++;
                    if (rowDistance(joining, cell) > rowDistance(leaving, cell)) {
                        crossRowFarther++;
                    }
                }
                if (!joining.healthy() || !Rules.violations(cell, false).isEmpty()) {
                    violations++;
                }
            }
            if (actions.isEmpty() && pending.isEmpty() && !cp.paused()) {
                if (quietSince < 0) {
                    quietSince = now;
                } else if (now - quietSince >= quietNeeded) {
                    finished = true; // every bucket has refilled and still nothing to do: the rest is blocked
                    break;
                }
            } else {
                quietSince = -1;
            }
            if (now % 60_000 == 0) {
                progress.accept(String.format("minute %d: %,d actions so far, %d in flight", now / 60_000, issued.size(),
                        pending.size()));
            }
        }

        Map<String, Integer> unrepaired = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        Map<String, String> blocked = cp.status().blockedCells();
        for (Cell c : fleet.cells()) {
            long down = c.unhealthyMembers();
            if (down == 0) {
                continue;
            }
            String reason = down > c.size() / 2 ? MAJORITY_DOWN : NO_REPLACEMENT;
            unrepaired.merge(reason, 1, Integer::sum);
            examples.putIfAbsent(reason, blocked.getOrDefault(c.id(), "(not blocked: still queued when the run ended)"));
        }

        RateLimits.Config l = config.limits();
        LimitCheck global = check("global", l.globalBurst(), l.globalRefillMillis(), issued, perMinute);
        List<LimitCheck> colorChecks = new ArrayList<>();
        for (String c : colors) {
            colorChecks.add(check(c, l.colorBurst(), l.colorRefillMillis(), issuedByColor.get(c), perMinuteByColor.get(c)));
        }
        int minutesSimulated = (int) Math.min(minutes, now / 60_000 + 1);
        return new Result(fleet.nodes().size(), failed, fleet.cells().size(), toRepair, majorityDown, repairs, moves,
                crossRow, crossRowFarther, secondActions, violations, perMinute, perMinuteByColor, global, colorChecks, repairedAt, finished,
                minutesSimulated, unrepaired, examples, actionsWhilePaused, caughtUpWhilePaused);
    }

    /** The engine's row distance from a cell's clients: per client 0 in the node's row, 1 in its zone, 2 elsewhere. */
    private static int rowDistance(Node n, Cell cell) {
        int d = 0;
        for (Location c : cell.clients()) {
            d += !c.zone().equals(n.topology().zone()) ? 2 : c.row().equals(n.topology().row()) ? 0 : 1;
        }
        return d;
    }

    /**
     * Checks a token bucket's promise over every window exactly, in one pass: for actions i <= j
     * (in issue order), {@code j - i + 1 <= burst + floor((t_j - t_i) / refill)}, which (both
     * sides being whole) is {@code (j + 1 - burst) * refill - t_j <= i * refill - t_i}; so each j
     * is compared with the running minimum of the right-hand side.
     */
    static LimitCheck check(String bucket, int burst, long refillMillis, List<Long> times, int[] perMinute) {
        long minRight = Long.MAX_VALUE;
        long worst = Long.MIN_VALUE;
        for (int j = 0; j < times.size(); j++) {
            minRight = Math.min(minRight, j * refillMillis - times.get(j));
            long left = (j + 1L - burst) * refillMillis - times.get(j);
            // left - minRight > 0 means some window ending at j held more actions than allowed;
            // in actions, the excess is that difference divided by the refill interval, rounded up.
            long excess = Math.floorDiv(left - minRight + refillMillis - 1, refillMillis);
            worst = Math.max(worst, excess);
        }
        int peak = 0;
        for (int v : perMinute) {
            peak = Math.max(peak, v);
        }
        return new LimitCheck(bucket, burst, refillMillis, times.size(), times.isEmpty() ? 0 : worst, peak);
    }
}
