package io.physalia.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.controlplane.DisruptionCheck;
import io.physalia.crds.RolloutStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scripted runs of {@link Rollout}: a world of two colors of three pods that the test changes
 * between steps as the StatefulSet controller, the pods and the nodes would.
 */
class RolloutTest {
    private static final DisruptionCheck.Verdict SAFE = new DisruptionCheck.Verdict(true, "fine");
    private static final Rollout.Policy POLICY = new Rollout.Policy(10_000, 0, 60_000);

    /** Mutable pods of a color. */
    private final Map<String, List<Rollout.PodView>> pods = new HashMap<>();
    private final Map<String, String> stsVersion = new HashMap<>();
    private final Map<String, Boolean> pinned = new HashMap<>();
    private Rollout.Evidence evidence = new Rollout.Evidence.Fine();
    private String target = "v1";
    private boolean paused;
    private long now = 1_000_000;
    private int uids;
    private RolloutStatus status;
    private final List<String> deleted = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void colony() {
        for (String c : List.of("blue", "red")) {
            List<Rollout.PodView> ps = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ps.add(pod(c + "-" + i, "v1", true));
            }
            pods.put(c, ps);
            stsVersion.put(c, "v1");
        }
        step();
        assertEquals(Rollout.COMPLETE, status.getPhase());
        assertEquals(Map.of("blue", "v1", "red", "v1"), status.getVersions());
    }

    private Rollout.PodView pod(String name, String version, boolean up) {
        return new Rollout.PodView(name, "uid" + (uids++), version, false, up, up, up, SAFE);
    }

    private Rollout.Decision step() {
        Rollout.View v = new Rollout.View(target, List.of("blue", "red"),
                c -> new Rollout.ColorView(c, pinned.getOrDefault(c, false), 3, stsVersion.get(c), true, List.copyOf(pods.get(c))),
                c -> evidence, paused, POLICY, now);
        Rollout.Decision d = Rollout.next(status, v);
        status = d.status();
        d.delete().ifPresent(p -> deleted.add(p.name()));
        d.events().forEach(e -> events.add(e.reason()));
        // the Color reconciler applies the version the rollout gave each color
        status.getVersions().forEach(stsVersion::put);
        return d;
    }

    /** The StatefulSet controller recreates a deleted pod at its template's version; up says whether it comes up. */
    private void recreate(String color, String name, boolean up) {
        List<Rollout.PodView> ps = pods.get(color);
        ps.replaceAll(p -> p.name().equals(name) ? pod(name, stsVersion.get(color), up) : p);
    }

    private String color(String pod) {
        return pod.substring(0, pod.indexOf('-'));
    }

    /** Steps until nothing moves; every deleted pod is recreated, coming up when {@code healthyVersion} matches. */
    private void run(int maxSteps, String badVersion) {
        for (int i = 0; i < maxSteps; i++) {
            int before = deleted.size();
            step();
            now += 1000;
            if (deleted.size() > before) {
                String p = deleted.get(deleted.size() - 1);
                recreate(color(p), p, !stsVersion.get(color(p)).equals(badVersion));
            }
            if (Rollout.COMPLETE.equals(status.getPhase()) || Rollout.HALTED.equals(status.getPhase())) {
                return;
            }
        }
    }

    @Test
    void aNewVersionGoesColorByColorOnePodAtATime() {
        target = "v2";
        List<String> colorOfEachRestart = new ArrayList<>();
        step();
        assertEquals(Rollout.ROLLING_OUT, status.getPhase());
        for (int i = 0; i < 200 && !Rollout.COMPLETE.equals(status.getPhase()); i++) {
            int before = deleted.size();
            step();
            // never more than one pod of the colony away from its version's pods at once
            long notUp = pods.values().stream().flatMap(List::stream).filter(p -> !p.up()).count();
            assertTrue(notUp <= 1);
            if ("blue".equals(status.getColor())) {
                assertTrue(pods.get("red").stream().allMatch(p -> p.version().equals("v1")), "red waits while blue rolls");
                assertEquals("v1", stsVersion.get("red"));
            }
            now += 1000;
            if (deleted.size() > before) {
                String p = deleted.get(deleted.size() - 1);
                colorOfEachRestart.add(color(p));
                recreate(color(p), p, true);
            }
        }
        assertEquals(Rollout.COMPLETE, status.getPhase());
        assertEquals(List.of("blue", "blue", "blue", "red", "red", "red"), colorOfEachRestart);
        assertEquals(List.of("blue-2", "blue-1", "blue-0", "red-2", "red-1", "red-0"), deleted, "highest name first, each once");
        assertTrue(pods.values().stream().flatMap(List::stream).allMatch(p -> p.version().equals("v2")));
        assertEquals(List.of("RolloutStarted", "ColorRolloutStarted", "NodeRestarted", "NodeRestarted", "NodeRestarted",
                "ColorRolledOut", "ColorRolloutStarted", "NodeRestarted", "NodeRestarted", "NodeRestarted", "ColorRolledOut",
                "RolloutComplete"), events);
    }

    @Test
    void aPodIsRecordedOneStepBeforeItIsDeletedAndDeletedAgainByAResumedOperator() {
        target = "v2";
        step(); // RolloutStarted + blue current
        step(); // blue-2 recorded
        assertEquals("blue-2", status.getRestarting().getPod());
        assertTrue(deleted.isEmpty(), "nothing deleted before the record is written");
        RolloutStatus recorded = Rollout.copy(status);
        step();
        assertEquals(List.of("blue-2"), deleted);
        // the operator died before the pod was gone: the next one, from the recorded status, deletes it again
        status = recorded;
        step();
        assertEquals(List.of("blue-2", "blue-2"), deleted);
        // once replaced (new uid) it is never deleted again
        recreate("blue", "blue-2", true);
        step();
        status = Rollout.copy(status);
        step();
        assertEquals("blue-1", status.getRestarting().getPod());
        assertEquals(2, deleted.stream().filter("blue-2"::equals).count());
    }

    @Test
    void aVersionThatNeverComesUpHaltsAfterTheFirstPodAndTheOtherColorIsUntouched() {
        target = "bad";
        run(200, "bad");
        assertEquals(Rollout.HALTED, status.getPhase());
        assertEquals("blue", status.getHaltedColor());
        assertEquals(List.of("blue-2"), deleted);
        assertTrue(status.getHaltReason().contains("pod blue-2 on version bad is not answering its health checks"), status.getHaltReason());
        assertEquals("v1", stsVersion.get("red"));
        assertTrue(pods.get("red").stream().allMatch(p -> p.version().equals("v1")));
        assertTrue(events.contains("RolloutHalted"));
        // halted: nothing moves, whatever time passes
        now += 3_600_000;
        step();
        assertEquals(1, deleted.size());
        // the fix: back to v1 restarts the halted pod first and completes
        target = "v1";
        run(200, "bad");
        assertEquals(Rollout.COMPLETE, status.getPhase());
        assertEquals(List.of("blue-2", "blue-2"), deleted);
        assertTrue(pods.values().stream().flatMap(List::stream).allMatch(p -> p.version().equals("v1") && p.up()));
    }

    @Test
    void aRegressionAtTheEndOfTheWindowHalts() {
        target = "v2";
        evidence = new Rollout.Evidence.Regressed("errors went up");
        run(200, null);
        assertEquals(Rollout.HALTED, status.getPhase());
        assertEquals("errors went up", status.getHaltReason());
        assertEquals(3, deleted.size(), "blue rolled, red untouched");
        assertEquals("v1", stsVersion.get("red"));
    }

    @Test
    void aMissingBaselineStartsTheWindowAgain() {
        target = "v2";
        evidence = new Rollout.Evidence.NoBaseline();
        run(40, null);
        assertEquals(Rollout.VALIDATING, status.getPhase());
        String started = status.getValidationStartedAt();
        now += 20_000;
        step();
        assertTrue(Instant.parse(status.getValidationStartedAt()).isAfter(Instant.parse(started)));
        assertEquals("blue", status.getColor());
    }

    @Test
    void anUnsafeDisruptionWaitsAndPausedDoesNothing() {
        target = "v2";
        pods.get("blue").replaceAll(p -> new Rollout.PodView(p.name(), p.uid(), p.version(), false, true, true, true,
                new DisruptionCheck.Verdict(false, "cell x would keep 1")));
        for (int i = 0; i < 10; i++) {
            step();
        }
        assertNull(status.getRestarting());
        assertTrue(status.getMessage().contains("cell x would keep 1"), status.getMessage());
        pods.get("blue").replaceAll(p -> pod(p.name(), p.version(), true));
        paused = true;
        step();
        assertNull(status.getRestarting());
        assertTrue(status.getMessage().startsWith("paused"));
        paused = false;
        step();
        assertEquals("blue-2", status.getRestarting().getPod());
    }

    @Test
    void aPinnedColorIsSkippedAndADownPodRestartsFirst() {
        target = "v2";
        pinned.put("red", true);
        pods.get("blue").replaceAll(p -> p.name().equals("blue-0") ? pod("blue-0", "v1", false) : p);
        step();
        step();
        assertEquals(Optional.of("blue-0"), Optional.ofNullable(status.getRestarting()).map(r -> r.getPod()));
        run(200, null);
        assertEquals(Rollout.COMPLETE, status.getPhase());
        assertEquals(3, deleted.size());
        assertTrue(pods.get("red").stream().allMatch(p -> p.version().equals("v1")));
    }
}
