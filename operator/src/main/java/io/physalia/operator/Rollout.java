package io.physalia.operator;

import io.physalia.controlplane.DisruptionCheck;
import io.physalia.crds.RestartingPod;
import io.physalia.crds.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The rollout of a new version, color by color: a pure function from what the operator sees now
 * and the rollout's recorded state ({@code Colony.status.rollout}) to the next state and at most
 * one pod to delete. {@link RolloutDriver} gathers the view and carries the decision out; the
 * recorded state is written before a pod is deleted, so an operator killed at any point resumes
 * from the status without restarting a pod twice or skipping one.
 *
 * <pre>
 * on each reconcile of the Colony:
 *   give every color with no recorded version the target at once (it has no pods to roll yet)
 *   if spec.version differs from the rollout's target:          -- a new rollout (or the fix of a halted one)
 *       target := spec.version; done := colors whose StatefulSet and pods already run it
 *       clear the halt, the current color and the pod being restarted
 *   if halted: do nothing until spec.version changes
 *   if paused: do nothing (the status still refreshes)
 *   for color in spec.colors, in order:
 *       if color is done, or pinned by its own spec.version: next color
 *       if no color is current:
 *           wait out pauseBetweenColorsSeconds after the last color finished
 *           make color current; its StatefulSet gets the target version; stop here
 *       roll(color); stop here
 *   all colors done: the rollout is Complete
 *
 * roll(color):
 *   wait until the color's StatefulSet carries the version (applied by the Color reconciler)
 *   if a pod is recorded as restarting:
 *       the same pod (same uid) still there: delete it            -- recorded in an earlier reconcile
 *       else until its replacement is up with every replica caught up:
 *           wait; past podReadyTimeoutSeconds since recorded: HALT
 *       clear the record
 *   if some pod still runs another version:
 *       wait while the color has fewer pods than replicas, or another pod is not up
 *       pick one: pods that are down first (they serve nothing), then the highest name
 *       wait while taking it down would leave any of its cells without a caught-up quorum
 *       record it as restarting                                   -- deleted on the next reconcile
 *       stop here
 *   every pod runs the version:
 *       wait until all are up with their replicas caught up; then start the validation window
 *       during the window: a pod failing its health checks HALTs
 *       at the window's end: the color's error rate and latency p99 against the colors not
 *           rolled yet (for the last color, the ones rolled); a regression past the policy HALTs
 *       otherwise the color is done
 * </pre>
 *
 * <p>A halted rollout leaves every other color untouched: the halted color keeps the pods it
 * restarted, its cells are repaired as for any failed node, and Color phase Halted, Colony
 * condition Degraded and an Event say why. Setting spec.version again (to a fixed version, or
 * back to the old one) starts a new rollout, which restarts the halted color's pods first.
 *
 * <p>The restart order and the caught-up check follow what a safe roller of a replicated system
 * does (one member at a time, only when the rest keep a quorum); what it cannot see here: which
 * replicas a pod leads. Leadership moves by itself when the pod stops (its followers elect another
 * leader on the next request).
 */
final class Rollout {
    private Rollout() {}

    static final String IDLE = "Idle";
    static final String ROLLING_OUT = "RollingOut";
    static final String VALIDATING = "Validating";
    static final String WAITING = "Waiting";
    static final String HALTED = "Halted";
    static final String COMPLETE = "Complete";
    /** How soon to look again while a step is pending (a deletion recorded, a pod coming back). */
    static final long SOON_MILLIS = 500;

    /** One node pod of a color, as the operator sees it now. */
    record PodView(String name, String uid, String version, boolean deleting, boolean up, boolean healthy, boolean caughtUp,
            DisruptionCheck.Verdict disruption) {}

    /**
     * One color now: whether its own spec pins a version, its replicas, whether its StatefulSet
     * carries {@code statefulSetVersion} (and its controller saw that), and its pods.
     */
    record ColorView(String color, boolean pinned, int replicas, String statefulSetVersion, boolean statefulSetObserved,
            List<PodView> pods) {
        Optional<PodView> pod(String name) {
            return pods.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }

    /** What the metrics say at the end of a validation window. */
    sealed interface Evidence {
        /** No baseline from the window's start (the operator restarted): the window starts again. */
        record NoBaseline() implements Evidence {}

        record Fine() implements Evidence {}

        record Regressed(String why) implements Evidence {}
    }

    /** The policy's numbers, in milliseconds where they are durations. */
    record Policy(long validationWindowMillis, long pauseBetweenColorsMillis, long podReadyTimeoutMillis) {}

    /**
     * @param colors the Colony's colors, in rollout order
     * @param color a color's view, asked only for the color being rolled (it costs a survey of its nodes)
     * @param evidence the validation metrics of a color against its baseline colors, asked at the window's end
     */
    record View(String target, List<String> colors, Function<String, ColorView> color, Function<String, Evidence> evidence,
            boolean paused, Policy policy, long nowMillis) {}

    /** An Event to record on the Colony. */
    record Event(boolean warning, String reason, String message) {}

    /** The next state, the pod to delete now (if any), the Events, and when to look again. */
    record Decision(RolloutStatus status, Optional<PodView> delete, List<Event> events, long recheckMillis) {}

    static Decision next(RolloutStatus recorded, View v) {
        return new Step(copy(recorded), v).run();
    }

    /** One evaluation: a mutable copy of the status and what it emits. */
    private static final class Step {
        final RolloutStatus s;
        final View v;
        final List<Event> events = new ArrayList<>();
        Optional<PodView> delete = Optional.empty();
        long recheck = ColonyReconciler.REFRESH.toMillis();

        Step(RolloutStatus s, View v) {
            this.s = s;
            this.v = v;
        }

        Decision run() {
            s.getVersions().keySet().retainAll(v.colors());
            boolean fresh = s.getTargetVersion() == null;
            for (String c : v.colors()) {
                s.getVersions().putIfAbsent(c, v.target());
            }
            if (fresh) {
                s.setTargetVersion(v.target());
                s.setColorsDone(new ArrayList<>(v.colors()));
                s.setPhase(COMPLETE);
                s.setMessage("every color runs " + v.target());
                return decision();
            }
            if (s.getColor() != null && !v.colors().contains(s.getColor())) {
                s.setColor(null);
                s.setRestarting(null);
                s.setValidationStartedAt(null);
            }
            if (!v.target().equals(s.getTargetVersion())) {
                start();
            }
            if (HALTED.equals(s.getPhase())) {
                s.setMessage("halted in color " + s.getHaltedColor() + ": " + s.getHaltReason()
                        + "; set spec.version (to a fixed version, or back) to go on");
                return decision();
            }
            if (v.paused()) {
                s.setMessage("paused: no pod is restarted until the colony is resumed");
                return decision();
            }
            for (String c : v.colors()) {
                if (s.getColorsDone().contains(c)) {
                    continue;
                }
                if (s.getColor() == null) {
                    ColorView cv = v.color().apply(c);
                    if (cv.pinned()) {
                        s.getColorsDone().add(c);
                        continue;
                    }
                    if (s.getColorDoneAt() != null && v.policy().pauseBetweenColorsMillis() > 0) {
                        long until = millis(s.getColorDoneAt()) + v.policy().pauseBetweenColorsMillis();
                        if (v.nowMillis() < until) {
                            s.setPhase(WAITING);
                            s.setMessage("pausing between colors; color " + c + " starts at " + Instant.ofEpochMilli(until));
                            recheck = Math.min(recheck, until - v.nowMillis());
                            return decision();
                        }
                    }
                    s.setColor(c);
                    s.getVersions().put(c, s.getTargetVersion());
                    s.setValidationStartedAt(null);
                    s.setRestarting(null);
                    s.setPhase(ROLLING_OUT);
                    s.setMessage("color " + c + " starts rolling to " + s.getTargetVersion());
                    events.add(new Event(false, "ColorRolloutStarted", "color " + c + " rolls to " + s.getTargetVersion()
                            + ", one node at a time"));
                    recheck = SOON_MILLIS;
                    return decision();
                }
                roll(v.color().apply(c));
                return decision();
            }
            if (!COMPLETE.equals(s.getPhase())) {
                events.add(new Event(false, "RolloutComplete", "every color runs " + s.getTargetVersion()));
            }
            s.setColor(null);
            s.setPhase(COMPLETE);
            s.setMessage("every color runs " + s.getTargetVersion());
            return decision();
        }

        private Decision decision() {
            return new Decision(s, delete, events, Math.max(recheck, 50));
        }

        /** spec.version changed: a new rollout from the first color that does not run it yet. */
        private void start() {
            String target = v.target();
            List<String> done = new ArrayList<>();
            for (String c : v.colors()) {
                if (target.equals(s.getVersions().get(c)) && !c.equals(s.getHaltedColor())) {
                    ColorView cv = v.color().apply(c);
                    if (cv.pods().stream().allMatch(p -> target.equals(p.version()))) {
                        done.add(c);
                    }
                }
            }
            s.setTargetVersion(target);
            s.setColorsDone(done);
            s.setColor(null);
            s.setRestarting(null);
            s.setValidationStartedAt(null);
            s.setColorDoneAt(null);
            s.setHaltedColor(null);
            s.setHaltReason(null);
            s.setPhase(ROLLING_OUT);
            events.add(new Event(false, "RolloutStarted", "the colony rolls to " + target + ", color by color: " + v.colors()));
        }

        private void roll(ColorView cv) {
            String c = cv.color();
            String want = s.getVersions().get(c);
            recheck = SOON_MILLIS;
            if (!want.equals(cv.statefulSetVersion()) || !cv.statefulSetObserved()) {
                s.setMessage("waiting for the StatefulSet of color " + c + " to carry version " + want);
                return;
            }
            RestartingPod r = s.getRestarting();
            if (r != null) {
                Optional<PodView> p = cv.pod(r.getPod());
                if (p.isPresent() && p.get().uid().equals(r.getUid()) && !p.get().deleting()) {
                    delete = p;
                    s.setMessage("restarting pod " + r.getPod() + " on version " + want);
                    return;
                }
                boolean back = p.isPresent() && !p.get().deleting() && p.get().up() && p.get().caughtUp();
                if (!back) {
                    long waited = v.nowMillis() - millis(r.getSince());
                    if (waited > v.policy().podReadyTimeoutMillis()) {
                        halt(c, "pod " + r.getPod() + " on version " + want + " is not "
                                + (p.isEmpty() || p.get().deleting() ? "recreated" : !p.get().up() ? "answering its health checks"
                                        : "caught up on its replicas")
                                + " " + waited / 1000 + " s after its restart (podReadyTimeoutSeconds "
                                + v.policy().podReadyTimeoutMillis() / 1000 + ")");
                        return;
                    }
                    s.setMessage("waiting for pod " + r.getPod() + " to come back on version " + want + " with its replicas caught up");
                    return;
                }
                events.add(new Event(false, "NodeRestarted", "pod " + r.getPod() + " runs version " + want + ", its replicas caught up"));
                s.setRestarting(null);
            }
            List<PodView> stale = cv.pods().stream().filter(p -> !p.deleting() && !want.equals(p.version()))
                    .sorted(Comparator.comparing(PodView::up).thenComparing(PodView::name, Comparator.reverseOrder())).toList();
            if (!stale.isEmpty()) {
                long present = cv.pods().stream().filter(p -> !p.deleting()).count();
                if (present < cv.replicas()) {
                    s.setMessage("waiting: color " + c + " has " + present + " of " + cv.replicas() + " pods");
                    recheck = ColonyReconciler.REFRESH.toMillis();
                    return;
                }
                Optional<PodView> down = cv.pods().stream().filter(p -> !p.up() && !stale.contains(p)).findFirst();
                if (down.isPresent()) {
                    s.setMessage("waiting: pod " + down.get().name() + " of color " + c + " is not up");
                    recheck = ColonyReconciler.REFRESH.toMillis();
                    return;
                }
                PodView next = stale.get(0);
                if (next.up() && !next.disruption().safe()) {
                    s.setMessage("waiting to restart pod " + next.name() + ": " + next.disruption().reason());
                    recheck = ColonyReconciler.REFRESH.toMillis();
                    return;
                }
                s.setRestarting(new RestartingPod(next.name(), next.uid(), Instant.ofEpochMilli(v.nowMillis()).toString()));
                s.setPhase(ROLLING_OUT);
                s.setMessage("restarting pod " + next.name() + " on version " + want);
                return;
            }
            if (s.getValidationStartedAt() != null) {
                Optional<PodView> failing = cv.pods().stream().filter(p -> !p.healthy()).findFirst();
                if (failing.isPresent()) {
                    halt(c, "pod " + failing.get().name() + " on version " + want + " failed its health checks during the validation window");
                    return;
                }
            }
            Optional<PodView> notReady = cv.pods().stream().filter(p -> p.deleting() || !p.up() || !p.caughtUp()).findFirst();
            if (notReady.isPresent() || cv.pods().size() < cv.replicas()) {
                s.setMessage("waiting for every pod of color " + c + " to be up with its replicas caught up"
                        + notReady.map(p -> " (" + p.name() + " is not)").orElse(""));
                recheck = ColonyReconciler.REFRESH.toMillis();
                return;
            }
            if (s.getValidationStartedAt() == null) {
                startWindow(c);
                return;
            }
            long end = millis(s.getValidationStartedAt()) + v.policy().validationWindowMillis();
            if (v.nowMillis() < end) {
                s.setMessage("validating color " + c + " on version " + want + " until " + Instant.ofEpochMilli(end));
                recheck = Math.min(ColonyReconciler.REFRESH.toMillis(), Math.max(end - v.nowMillis(), 50));
                return;
            }
            switch (v.evidence().apply(c)) {
                case Evidence.NoBaseline n -> startWindow(c);
                case Evidence.Regressed g -> halt(c, g.why());
                case Evidence.Fine f -> {
                    s.getColorsDone().add(c);
                    s.setColor(null);
                    s.setValidationStartedAt(null);
                    s.setColorDoneAt(Instant.ofEpochMilli(v.nowMillis()).toString());
                    s.setPhase(ROLLING_OUT);
                    s.setMessage("color " + c + " runs " + want + " and passed its validation window");
                    events.add(new Event(false, "ColorRolledOut", "color " + c + " runs " + want + " and passed its validation window"));
                }
            }
        }

        private void startWindow(String c) {
            s.setValidationStartedAt(Instant.ofEpochMilli(v.nowMillis()).toString());
            s.setPhase(VALIDATING);
            s.setMessage("validating color " + c + " for " + v.policy().validationWindowMillis() / 1000 + " s");
        }

        private void halt(String c, String why) {
            s.setPhase(HALTED);
            s.setHaltedColor(c);
            s.setHaltReason(why);
            s.setRestarting(null);
            s.setValidationStartedAt(null);
            s.setMessage("halted in color " + c + ": " + why + "; set spec.version (to a fixed version, or back) to go on");
            events.add(new Event(true, "RolloutHalted", "color " + c + ": " + why + "; the other colors are untouched"));
        }
    }

    static long millis(String rfc3339) {
        return Instant.parse(rfc3339).toEpochMilli();
    }

    static RolloutStatus copy(RolloutStatus r) {
        RolloutStatus s = new RolloutStatus();
        if (r == null) {
            return s;
        }
        s.setTargetVersion(r.getTargetVersion());
        s.setColor(r.getColor());
        s.setColorsDone(new ArrayList<>(r.getColorsDone() == null ? List.of() : r.getColorsDone()));
        s.setPhase(r.getPhase());
        s.setVersions(new TreeMap<>(r.getVersions() == null ? Map.of() : r.getVersions()));
        RestartingPod p = r.getRestarting();
        s.setRestarting(p == null ? null : new RestartingPod(p.getPod(), p.getUid(), p.getSince()));
        s.setValidationStartedAt(r.getValidationStartedAt());
        s.setColorDoneAt(r.getColorDoneAt());
        s.setHaltedColor(r.getHaltedColor());
        s.setHaltReason(r.getHaltReason());
        s.setMessage(r.getMessage());
        return s;
    }
}
