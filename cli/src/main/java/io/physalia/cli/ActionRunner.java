package io.physalia.cli;

import io.physalia.controlplane.Action;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Carries out one engine action on the real nodes, one member at a time: add the joining node
 * through the cell's leader, host its replica with the joined configuration, wait until it has
 * caught up, remove the leaving member, drop the leaving replica if its node runs, then report
 * the action caught up. Every step finds out first whether it already happened (the add is in the
 * configuration, the replica is hosted, the leaving member is gone), so an action can be run again
 * from the start: after a failed attempt, and after the launcher restarted with it in flight. An
 * action is reported aborted (the engine puts its model back) only if it failed before the add was
 * sent; once sent, the add may have applied even when no answer came, so the action is run again,
 * and the next run finds out.
 */
final class ActionRunner {
    static final long CATCH_UP_TIMEOUT_MILLIS = 30_000;
    static final int MAX_ATTEMPTS = 5;

    /** What the runner needs from the control plane that drives it. */
    interface Host {
        /** The cell's members in the engine's model that are healthy now, without {@code except}. */
        List<String> healthyMembers(String cell, String except);

        boolean running(String node);

        /** The step the action is at, for {@code physalia status}. */
        void step(Action a, String what);

        void event(String line);

        /** The action is over: caught up (the cell is on the joining node), or aborted (nothing changed). */
        void finished(Action a, boolean caughtUp, String detail);

        void later(Runnable r, long delayMillis);
    }

    private final AdminClient admin;
    private final Host host;

    ActionRunner(AdminClient admin, Host host) {
        this.admin = admin;
        this.host = host;
    }

    void run(Action a) {
        run(a, 1);
    }

    private void run(Action a, int attempt) {
        String cell = a.cellId();
        boolean maybeAdded = false; // once the add is sent its outcome may be unknown: never report such an action aborted
        try {
            List<String> others = host.healthyMembers(cell, a.joining());
            host.step(a, "reading the configuration");
            JsonObject before = admin.statusFromAny(cell, others);
            JsonArray joinedConfig = before.getJsonArray("configuration");
            String leavingMember = AdminClient.member(joinedConfig, a.leaving());
            String joinedMember = AdminClient.member(joinedConfig, a.joining());
            long addSlot = 0;
            maybeAdded = joinedMember != null;
            if (joinedMember == null) {
                host.step(a, "adding " + a.joining());
                maybeAdded = true;
                JsonObject answer = admin.membership(cell, others, new JsonObject().put("add", a.joining()));
                joinedConfig = answer.getJsonArray("pending");
                joinedMember = AdminClient.member(joinedConfig, a.joining());
                addSlot = answer.getLong("slot", 0L);
                host.event("cell " + cell + ": added " + joinedMember + " at slot " + addSlot);
            }
            host.step(a, "hosting " + joinedMember);
            JsonObject join = new JsonObject().put("member", joinedMember).put("members", joinedConfig);
            HttpResponse<String> hosted = admin.send("PUT", a.joining(), "/admin/cells/" + cell + "/join", join.encode());
            if (hosted.statusCode() / 100 != 2) {
                throw new IOException("hosting " + joinedMember + " on " + a.joining() + ": HTTP " + hosted.statusCode() + " " + hosted.body());
            }
            host.step(a, "waiting for " + joinedMember + " to catch up");
            awaitCaughtUp(cell, a.joining(), others, addSlot);
            host.event("cell " + cell + ": " + joinedMember + " caught up");
            if (leavingMember != null) {
                host.step(a, "removing " + leavingMember);
                admin.membership(cell, others, new JsonObject().put("remove", leavingMember));
                host.event("cell " + cell + ": removed " + leavingMember);
                if (host.running(a.leaving())) {
                    Thread.sleep(1000); // the old configuration needs it for a few more slots
                    admin.drop(a.leaving(), cell);
                }
            }
            host.finished(a, true, "cell " + cell + " now on " + a.joining() + " instead of " + a.leaving());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the launcher is stopping; the action stays in flight and resumes on restart
        } catch (Exception e) {
            if (!maybeAdded) {
                host.finished(a, false, "aborted before the add was sent: " + e.getMessage());
            } else if (attempt < MAX_ATTEMPTS) {
                host.step(a, "attempt " + attempt + " failed, retrying in 2 s: " + e.getMessage());
                host.event("action #" + a.id() + " attempt " + attempt + " failed: " + e.getMessage() + "; retrying");
                host.later(() -> run(a, attempt + 1), 2000);
            } else {
                host.step(a, "stuck after " + attempt + " attempts: " + e.getMessage());
                host.event("action #" + a.id() + " failed " + attempt + " times after the add applied: " + e.getMessage()
                        + "; it stays in flight (the cell gets no other action) and is tried again when the launcher restarts");
            }
        }
    }

    /** Until the new member's applied prefix reaches the add's slot and is within a slot of the best old member's. */
    private void awaitCaughtUp(String cell, String joining, List<String> others, long addSlot) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_TIMEOUT_MILLIS);
        String last = "";
        while (System.nanoTime() < deadline) {
            long best = -1;
            for (String n : others) {
                JsonObject s = admin.replica(n, cell);
                if (s != null) {
                    best = Math.max(best, s.getLong("appliedUpTo"));
                }
            }
            JsonObject mine = admin.replica(joining, cell);
            if (mine != null) {
                long applied = mine.getLong("appliedUpTo");
                last = "new member at " + applied + ", best old member at " + best;
                if (applied > addSlot && best >= 0 && applied + 1 >= best) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("new member of cell " + cell + " on " + joining + " did not catch up: " + last);
    }
}
