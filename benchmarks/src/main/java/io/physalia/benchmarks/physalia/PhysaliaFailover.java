package io.physalia.benchmarks.physalia;

import io.physalia.benchmarks.BenchOptions;
import io.physalia.benchmarks.Failover;
import io.physalia.client.PhysaliaClient;
import io.physalia.client.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The Physalia side of {@link Failover}: one cell of every node, written through the client with
 * its default retries and backoff (what an application gets), every node given as a seed. The
 * leader is the node that answered the last write (the client follows redirects to it).
 */
public final class PhysaliaFailover {
    private PhysaliaFailover() {}

    public static Failover.Result run(PhysaliaColony colony, BenchOptions o, Consumer<String> progress) throws Exception {
        colony.createCells("failover-", 1, 1, progress);
        String cell = "failover-0";
        String value = Payload.valueJson(o.payloadBytes(), 1);
        PhysaliaClient client = new PhysaliaClient(colony.httpAll());
        String[] leader = {null};
        Failover.Target target = new Failover.Target() {
            public int leader() {
                return colony.httpAll().indexOf(leader[0]);
            }

            public void write() throws Exception {
                Response r = client.put(cell, "k", value);
                if (r.status() != 200) {
                    throw new IOException("HTTP " + r.status() + " from " + r.node() + ": " + r.body());
                }
                leader[0] = r.node();
            }

            public void kill9(int member) throws InterruptedException {
                colony.kill9(member);
            }

            public void restart(int member) throws IOException, InterruptedException {
                colony.start(member);
                colony.awaitReady(member, Duration.ofSeconds(90), colony.size() - 1, 1);
                for (int i = 0; i < colony.size(); i++) {
                    colony.awaitReady(i, Duration.ofSeconds(30), colony.size() - 1, -1); // everyone sees it back
                }
            }
        };
        progress.accept("  " + o.kills() + " kills of the leader of a cell of " + colony.size());
        return Failover.measure(target, o.kills(), progress);
    }
}
