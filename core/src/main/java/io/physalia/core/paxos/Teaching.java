package io.physalia.core.paxos;

import io.physalia.core.cell.Batch;
import io.physalia.core.cell.CellSnapshot;
import io.physalia.core.cell.Member;
import io.physalia.core.wire.ValueCodecs;
import java.util.ArrayList;
import java.util.List;

/**
 * Teaching (paper section 2.4), outside the consensus core. A replica that hears of chosen
 * slots it lacks asks a teacher; the teacher ships a log segment when that is smaller than
 * its snapshot, else the snapshot. A hole nobody teaches is filled by whack-a-mole: after a
 * jittered wait the learner runs phase 1 itself, which recovers the chosen value or chooses a
 * no-op. Nothing here runs while the replica is up to date.
 */
final class Teaching {
    private static final long NONE = -1;

    private final Replica replica;
    private final ReplicaConfig config;
    private long knownChosenUpTo;        // the highest chosen prefix any peer told us about
    private Member lastTeacher;
    private long lastRequestAtMillis = NONE;
    private long behindSinceMillis = NONE;
    private long whackAtMillis = NONE;

    Teaching(Replica replica, ReplicaConfig config) {
        this.replica = replica;
        this.config = config;
    }

    private boolean behind() {
        return knownChosenUpTo > replica.learner().chosenUpTo() || replica.learner().hasHole()
                || !replica.learner().hasState();
    }

    /** A joining member asks a member for its state at once, rather than wait to hear from one. */
    void askForState(Step step) {
        request(otherTeacher(step), step, true);
    }

    /** Every message carries its sender's chosen prefix; a longer one than ours means we lag. */
    void noteChosenUpTo(Member from, long chosenUpTo, Step step) {
        if (chosenUpTo <= replica.learner().chosenUpTo()) {
            return;
        }
        knownChosenUpTo = Math.max(knownChosenUpTo, chosenUpTo);
        lastTeacher = from;
        startWaiting(step);
        request(from, step, false);
    }

    private void startWaiting(Step step) {
        if (behindSinceMillis == NONE) {
            behindSinceMillis = step.now();
            whackAtMillis = step.now() + config.whackAMoleAfterMillis()
                    + step.ctx.random().nextLong(config.whackAMoleAfterMillis());
        }
    }

    /** Asks {@code teacher} for what follows our chosen prefix, at most once per retry interval. */
    void request(Member teacher, Step step, boolean force) {
        if (!force && lastRequestAtMillis != NONE && step.now() < lastRequestAtMillis + config.teachRetryMillis()) {
            return;
        }
        lastRequestAtMillis = step.now();
        startWaiting(step);
        // A member without state asks from -1: below any teacher's log, so it gets a snapshot.
        long from = replica.learner().hasState() ? replica.learner().chosenUpTo() : -1;
        replica.send(teacher, new Message.TeachRequest(from), step);
    }

    void onLearned(Step step) {
        if (!behind()) {
            behindSinceMillis = NONE;
            whackAtMillis = NONE;
            lastRequestAtMillis = NONE;
        }
    }

    void onWakeup(Step step) {
        if (behindSinceMillis == NONE) {
            return;
        }
        long now = step.now();
        if (!behind() || now >= behindSinceMillis + 4 * config.requestTimeoutMillis()) {
            // Caught up, or nobody answered for long: stop costing anything until a peer speaks.
            behindSinceMillis = NONE;
            whackAtMillis = NONE;
            lastRequestAtMillis = NONE;
            knownChosenUpTo = replica.learner().chosenUpTo();
            return;
        }
        if (now >= whackAtMillis) {
            whackAtMillis = now + config.whackAMoleAfterMillis() + step.ctx.random().nextLong(config.whackAMoleAfterMillis());
            if (replica.proposerPhase() instanceof ProposerPhase.Follower) {
                replica.whackAMole(step);
            }
        }
        if (now >= lastRequestAtMillis + config.teachRetryMillis()) {
            request(otherTeacher(step), step, true);
        }
    }

    /** Rotate teachers: the last one did not answer in time. */
    private Member otherTeacher(Step step) {
        List<Member> others = new ArrayList<>(replica.learner().state().latestConfiguration().members());
        others.remove(replica.member());
        if (others.isEmpty()) {
            return lastTeacher;
        }
        return others.get(step.ctx.random().nextInt(others.size()));
    }

    long nextWakeup() {
        if (behindSinceMillis == NONE) {
            return Effects.NEVER;
        }
        return Math.min(Math.min(whackAtMillis, lastRequestAtMillis + config.teachRetryMillis()),
                behindSinceMillis + 4 * config.requestTimeoutMillis());
    }

    /** As teacher: answer with a log segment or a snapshot, whichever is smaller. */
    void onRequest(Member from, Message.TeachRequest t, Step step) {
        Learner learner = replica.learner();
        long mine = learner.chosenUpTo();
        if (mine <= t.chosenUpTo() || !learner.hasState()) {
            return; // nothing to teach (or no state of our own yet)
        }
        CellSnapshot snapshot = learner.snapshot();
        if (t.chosenUpTo() >= learner.logStart()) {
            List<Batch> segment = learner.segment(t.chosenUpTo(), config.maxTeachLogSlots());
            long segmentBytes = 0;
            for (Batch b : segment) {
                segmentBytes += ValueCodecs.encodedSize(b);
            }
            if (!segment.isEmpty() && segmentBytes <= ValueCodecs.encodedSize(snapshot)) {
                replica.send(from, new Message.TeachLog(t.chosenUpTo(), segment, mine), step);
                return;
            }
        }
        replica.send(from, new Message.TeachSnapshot(snapshot, mine), step);
    }
}
