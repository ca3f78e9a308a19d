package io.physalia.simulations.safety;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.Cell;
import io.physalia.controlplane.ControlPlane;
import io.physalia.controlplane.Fleet;
import io.physalia.controlplane.Node;
import io.physalia.controlplane.PlacementRequest;
import io.physalia.controlplane.PlacementResult;
import io.physalia.controlplane.Rules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Simulation 4, the computation: how many cells lose quorum (a majority of their members) when
 * one node, one rack or one power domain fails, or when a bad deployment takes down every node
 * of one color; for cells placed by the control-plane engine and, for comparison, for the same
 * cells placed on random nodes of the same row.
 *
 * <p>Every failure of each kind is tried (exhaustively, not sampled): each cell is counted against
 * every domain holding a majority of its members, so the whole sweep costs one pass over the cells.
 */
public final class BlastRadius {
    /** The failure kinds, in the order they are reported. */
    public enum Kind {
        NODE("one node"), RACK("one rack"), POWER("one power domain"), COLOR("one color (bad deploy)");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * @param churn node failures, one at a time, that the engine repairs before the measurement
     *     (each node comes back, empty of the cells repaired away), so the measured placement
     *     includes repairs, not only fresh placements
     */
    public record Config(Datacenter datacenter, int cells, int size, int churn, long seed) {}

    /**
     * One failure kind under one placement: how many such failures there are and, over all of
     * them, the most and the mean number of cells that lose quorum, and the worst one's name.
     * For colors also the cells that have at least one member on the failed color.
     */
    public record Exposure(Kind kind, int failures, int maxLost, double meanLost, String worst, int maxTouched) {}

    /** The bad deploy of one color under our placement. */
    public record ColorDeploy(String color, int cellsOfColor, int lost, int touched, int touchedOtherColors) {}

    /**
     * @param actionsDuringBadDeploy control-plane actions issued while every node of one color was
     *     down (10 simulated minutes of ticks)
     */
    public record Result(int cells, int refused, int churnRepairs, int ruleViolations, List<Exposure> ours,
            List<Exposure> random, List<ColorDeploy> colorDeploys, int actionsDuringBadDeploy, String badDeployColor) {

        public Exposure ours(Kind k) {
            return ours.get(k.ordinal());
        }

        public Exposure random(Kind k) {
            return random.get(k.ordinal());
        }
    }

    private BlastRadius() {}

    public static Result run(Config config, Consumer<String> progress) {
        Datacenter dc = config.datacenter();
        Fleet fleet = dc.fleet();
        ControlPlane cp = new ControlPlane(fleet, new SplittableRandom(config.seed()));
        SplittableRandom rnd = new SplittableRandom(config.seed() + 1);
        Clients clients = new Clients(dc);
        int refused = 0;
        for (int i = 0; i < config.cells(); i++) {
            PlacementRequest req = PlacementRequest.of("c" + i, clients.next(rnd)).withSize(config.size());
            if (!(cp.place(req) instanceof PlacementResult.Placed)) {
                refused++;
            }
            if (i % 1_000 == 0) {
                progress.accept("placed " + i + " of " + config.cells() + " cells");
            }
        }
        int churnRepairs = churn(cp, fleet, config.churn(), rnd, progress);
        int violations = 0;
        for (Cell c : fleet.cells()) {
            if (!Rules.violations(c, false).isEmpty()) {
                violations++;
            }
        }

        // Domains by node index: its own id, its rack, its power domain, its color.
        List<Node> nodes = fleet.nodes();
        Map<Node, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i), i);
        }
        Domains node = new Domains();
        Domains rack = new Domains();
        Domains power = new Domains();
        Domains color = new Domains();
        int[][] domainOf = new int[Kind.values().length][nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            domainOf[Kind.NODE.ordinal()][i] = node.id(n.name());
            domainOf[Kind.RACK.ordinal()][i] = rack.id(n.rack());
            domainOf[Kind.POWER.ordinal()][i] = power.id(n.power());
            domainOf[Kind.COLOR.ordinal()][i] = color.id(n.color());
        }
        Domains[] domains = {node, rack, power, color};

        List<Cell> cells = new ArrayList<>(fleet.cells());
        int[][] ours = new int[cells.size()][];
        for (int c = 0; c < cells.size(); c++) {
            List<Node> m = cells.get(c).members();
            ours[c] = new int[m.size()];
            for (int j = 0; j < m.size(); j++) {
                ours[c][j] = index.get(m.get(j));
            }
        }
        int[][] random = randomInSameRow(fleet, cells, index, new SplittableRandom(config.seed() + 2));

        List<Exposure> oursExposure = new ArrayList<>();
        List<Exposure> randomExposure = new ArrayList<>();
        for (Kind k : Kind.values()) {
            oursExposure.add(exposure(k, ours, domainOf[k.ordinal()], domains[k.ordinal()]));
            randomExposure.add(exposure(k, random, domainOf[k.ordinal()], domains[k.ordinal()]));
        }

        List<ColorDeploy> deploys = new ArrayList<>();
        for (String col : fleet.colors()) {
            int of = 0;
            int lost = 0;
            int touched = 0;
            int touchedOther = 0;
            for (Cell c : cells) {
                int on = 0;
                for (Node m : c.members()) {
                    if (m.color().equals(col)) {
                        on++;
                    }
                }
                of += c.color().equals(col) ? 1 : 0;
                lost += on > c.size() / 2 ? 1 : 0;
                touched += on > 0 ? 1 : 0;
                touchedOther += on > 0 && !c.color().equals(col) ? 1 : 0;
            }
            deploys.add(new ColorDeploy(col, of, lost, touched, touchedOther));
        }

        String badColor = fleet.colors().first();
        int actions = badDeploy(cp, fleet, badColor);
        return new Result(cells.size(), refused, churnRepairs, violations, oursExposure, randomExposure, deploys, actions,
                badColor);
    }

    /** Dense ids for domain names. */
    private static final class Domains {
        final Map<String, Integer> ids = new HashMap<>();
        final List<String> names = new ArrayList<>();

        int id(String name) {
            return ids.computeIfAbsent(name, k -> {
                names.add(k);
                return names.size() - 1;
            });
        }
    }

    /** One pass over the cells: each cell is counted once against every domain holding a majority of it. */
    private static Exposure exposure(Kind kind, int[][] cells, int[] domainOf, Domains domains) {
        int count = domains.names.size();
        int[] lost = new int[count];
        int[] touched = new int[count];
        for (int[] members : cells) {
            int majority = members.length / 2 + 1;
            for (int j = 0; j < members.length; j++) {
                int d = domainOf[members[j]];
                boolean first = true;
                int same = 0;
                for (int k = 0; k < members.length; k++) {
                    if (domainOf[members[k]] == d) {
                        same++;
                        if (k < j) {
                            first = false;
                        }
                    }
                }
                if (first) {
                    touched[d]++;
                    if (same >= majority) {
                        lost[d]++;
                    }
                }
            }
        }
        int max = 0;
        int worst = 0;
        long sum = 0;
        int maxTouched = 0;
        for (int d = 0; d < count; d++) {
            sum += lost[d];
            if (lost[d] > max) {
                max = lost[d];
                worst = d;
            }
            maxTouched = Math.max(maxTouched, touched[d]);
        }
        return new Exposure(kind, count, max, count == 0 ? 0 : (double) sum / count, count == 0 ? "" : domains.names.get(worst),
                maxTouched);
    }

    /**
     * The baseline: each cell on as many distinct nodes chosen at random from the row holding its
     * first member (so the same rows as ours), regardless of rack, power domain and color.
     */
    private static int[][] randomInSameRow(Fleet fleet, List<Cell> cells, Map<Node, Integer> index, SplittableRandom rnd) {
        Map<String, List<Integer>> byRow = new HashMap<>();
        for (Node n : fleet.nodes()) {
            byRow.computeIfAbsent(n.rowPath(), k -> new ArrayList<>()).add(index.get(n));
        }
        int[][] out = new int[cells.size()][];
        for (int c = 0; c < cells.size(); c++) {
            Cell cell = cells.get(c);
            List<Integer> row = byRow.get(cell.members().get(0).rowPath());
            int size = Math.min(cell.size(), row.size());
            int[] pick = new int[size];
            for (int j = 0; j < size; j++) {
                int candidate;
                do {
                    candidate = row.get(rnd.nextInt(row.size()));
                } while (contains(pick, j, candidate));
                pick[j] = candidate;
            }
            out[c] = pick;
        }
        return out;
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fails {@code count} random healthy nodes one at a time; the engine (default rate limits)
     * repairs each node's cells, every action catching up one tick (a second) later, and the node
     * comes back. Returns the repairs made.
     */
    private static int churn(ControlPlane cp, Fleet fleet, int count, SplittableRandom rnd, Consumer<String> progress) {
        long now = 0;
        int repairs = 0;
        for (int i = 0; i < count; i++) {
            Node victim = fleet.nodes().get(rnd.nextInt(fleet.nodes().size()));
            cp.setNodeHealth(victim.name(), false);
            List<Action> pending = new ArrayList<>();
            for (int ticks = 0; ticks < 100_000 && (!victim.cells().isEmpty() || !pending.isEmpty()); ticks++) {
                now += 1_000;
                for (Action a : pending) {
                    cp.reportCaughtUp(a.id());
                }
                pending = cp.tick(now);
                repairs += pending.size();
            }
            if (!victim.cells().isEmpty()) {
                throw new IllegalStateException("churn: node " + victim.name() + " still hosts " + victim.cells().size()
                        + " cells after 100,000 ticks: " + cp.status().render());
            }
            cp.setNodeHealth(victim.name(), true);
            progress.accept("churn: " + (i + 1) + " of " + count + " node failures repaired (" + repairs + " repairs)");
        }
        return repairs;
    }

    /**
     * Every node of {@code color} goes down at once; ten simulated minutes of engine ticks. The
     * engine should issue nothing: each affected cell has all its members down (so repair must
     * wait for a healthy majority) and no other cell is affected. Health is restored afterwards.
     */
    private static int badDeploy(ControlPlane cp, Fleet fleet, String color) {
        List<Node> ofColor = fleet.nodes().stream().filter(n -> n.color().equals(color)).toList();
        ofColor.forEach(n -> cp.setNodeHealth(n.name(), false));
        int actions = 0;
        long start = 1L << 40; // after the churn's clock
        for (long now = start; now <= start + 600_000; now += 1_000) {
            for (Action a : cp.tick(now)) {
                actions++;
                cp.reportCaughtUp(a.id());
            }
        }
        ofColor.forEach(n -> cp.setNodeHealth(n.name(), true));
        return actions;
    }
}
