package io.physalia.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Failover, measured the same way for every system: a write commits, the leader that committed
 * it is killed with SIGKILL at once (so its lease, if it has one, is as fresh as it can be), and
 * the clock runs until the next write commits through the system's client, which finds another
 * member by itself. The killed member then starts again on its data and the group settles before
 * the next kill, so every kill meets a whole group.
 */
public final class Failover {
    private Failover() {}

    /** One system under test. Members are numbered from 0. */
    public interface Target {
        /** The member leading now: the one that committed the last write, or the one every live member names. */
        int leader() throws Exception;

        /** One write through the system's client; returns once committed, or throws after its own retries. */
        void write() throws Exception;

        void kill9(int member) throws Exception;

        /** Starts {@code member} again on its data and returns once the whole group serves. */
        void restart(int member) throws Exception;
    }

    /** Each kill's time to the next commit, and the writes that failed outright (after the client's own retries). */
    public record Result(LatencyRecorder failover, List<Double> millis, int failedWrites) {
        public String describe() {
            List<String> each = new ArrayList<>();
            for (double m : millis) {
                each.add(String.format(Locale.ROOT, "%.0f", m));
            }
            return String.join(", ", each) + " ms";
        }
    }

    public static Result measure(Target t, int kills, Consumer<String> progress) throws Exception {
        LatencyRecorder failover = new LatencyRecorder();
        List<Double> millis = new ArrayList<>();
        int failed = 0;
        for (int k = 0; k < kills; k++) {
            for (int i = 0; i < 21; i++) {
                t.write(); // the group serves, and the leader's lease (if any) is fresh
            }
            int leader = t.leader(); // the one that committed the write just now, not one before it
            long killedAt = System.nanoTime();
            t.kill9(leader);
            while (true) {
                try {
                    t.write();
                    break;
                } catch (Exception e) {
                    failed++; // the client gave up; a user's code would call again, and so do we
                    if (System.nanoTime() - killedAt > 120_000_000_000L) {
                        throw new Exception("no write committed within 120 s of killing member " + leader + ": " + e.getMessage(), e);
                    }
                }
            }
            long took = System.nanoTime() - killedAt;
            failover.record(took);
            millis.add(took / 1e6);
            t.restart(leader);
            progress.accept(String.format(Locale.ROOT, "  kill %d of %d: member %d, next commit after %.0f ms; member %d leads",
                    k + 1, kills, leader, took / 1e6, t.leader())); // asked once every member is back
        }
        return new Result(failover, millis, failed);
    }
}
