package io.physalia.cli;

import io.physalia.controlplane.Action;
import io.physalia.controlplane.MembershipSteps;
import io.physalia.controlplane.runtime.MembershipDriver;
import java.util.List;

/**
 * Carries out one engine action on the local colony's nodes by looping over its steps
 * ({@link MembershipSteps}: add, host, catch up, remove, drop), one {@link MembershipDriver} call
 * at a time on a worker, the next one scheduled after the delay the step asks for, so no worker
 * sleeps waiting for an outcome. Every step is chosen from what the nodes answer now, so an
 * action can be run again from the start: after a failed attempt, and after the launcher
 * restarted with it in flight. An action is reported aborted (the engine puts its model back)
 * only if it failed before this run sent the add; once sent, the add may have applied even when
 * no answer came, and the next observation finds out.
 */
final class ActionRunner {
    static final long CATCH_UP_TIMEOUT_MILLIS = 30_000;
    /** How long no member may answer before the attempt counts as failed. */
    static final long UNREACHABLE_TIMEOUT_MILLIS = 20_000;
    /** Failed steps in a row before the action is left stuck (2 s apart: as long as a leader election may take, and more). */
    static final int MAX_ATTEMPTS = 15;
    static final long RETRY_MILLIS = 2000;

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

        /** A monotonic clock, in milliseconds. */
        long nowMillis();
    }

    private final MembershipDriver driver;
    private final Host host;

    ActionRunner(MembershipDriver driver, Host host) {
        this.driver = driver;
        this.host = host;
    }

    void run(Action a) {
        new Run(a).step();
    }

    /** One run of an action: its attempts, and since when it has waited on one condition. */
    private final class Run {
        private final Action a;
        private int attempt = 1;
        private boolean addSent;
        private long waitingSinceMillis = -1;
        private Class<?> waitingOn;

        Run(Action a) {
            this.a = a;
        }

        void step() {
            try {
                MembershipDriver.Taken t = driver.takeStep(a, host.healthyMembers(a.cellId(), a.joining()), host.running(a.leaving()));
                MembershipSteps.Step step = t.step();
                attempt = 1; // a step that went through: the count is of failures in a row
                noteAdd(step);
                if (t.event() != null) {
                    host.event(t.event());
                }
                if (t.done()) {
                    host.finished(a, true, "cell " + a.cellId() + " now on " + a.joining() + " instead of " + a.leaving());
                    return;
                }
                host.step(a, step.describe());
                String overdue = overdue(step);
                if (overdue != null) {
                    failed(overdue);
                    return;
                }
                host.later(this::step, t.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the launcher is stopping; the action stays in flight and resumes on restart
            } catch (MembershipDriver.StepFailed e) {
                noteAdd(e.step());
                failed(e.getMessage());
            } catch (RuntimeException e) {
                failed(e.toString());
            }
        }

        /**
         * Once the add is sent (its outcome may be unknown: it may be chosen with no answer) or
         * the joining node shows in the configuration (every step after the add), the action is
         * never reported aborted: the engine's model would no longer match the cell.
         */
        private void noteAdd(MembershipSteps.Step step) {
            if (!(step instanceof MembershipSteps.Step.Unreachable)) {
                addSent = true;
            }
        }

        /** Why the attempt failed if it has waited too long on the same step, else null. */
        private String overdue(MembershipSteps.Step step) {
            boolean waits = step instanceof MembershipSteps.Step.AwaitCatchUp || step instanceof MembershipSteps.Step.Unreachable;
            if (!waits) {
                waitingOn = null;
                return null;
            }
            long now = host.nowMillis();
            if (waitingOn != step.getClass()) {
                waitingOn = step.getClass();
                waitingSinceMillis = now;
                return null;
            }
            long limit = step instanceof MembershipSteps.Step.Unreachable ? UNREACHABLE_TIMEOUT_MILLIS : CATCH_UP_TIMEOUT_MILLIS;
            if (now - waitingSinceMillis < limit) {
                return null;
            }
            waitingOn = null;
            return step.describe() + " for " + limit / 1000 + " s";
        }

        private void failed(String why) {
            if (!addSent) {
                host.finished(a, false, "aborted before the add was sent: " + why);
            } else if (attempt < MAX_ATTEMPTS) {
                host.step(a, "attempt " + attempt + " failed, retrying in 2 s: " + why);
                if (attempt == 1 || attempt % 5 == 0) {
                    host.event("action #" + a.id() + " attempt " + attempt + " failed: " + why + "; retrying");
                }
                attempt++;
                host.later(this::step, RETRY_MILLIS);
            } else {
                host.step(a, "stuck after " + attempt + " attempts: " + why);
                host.event("action #" + a.id() + " failed " + attempt + " times after the add applied: " + why
                        + "; it stays in flight (the cell gets no other action) and is tried again when the launcher restarts");
            }
        }
    }
}
