package io.physalia.core.paxos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.physalia.core.cell.Configuration;
import io.physalia.core.cell.Member;
import io.physalia.core.cell.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Heap bytes of an idle replica (DESIGN.md section 3: idle cells must cost nothing). Measured
 * as the heap growth from holding many replicas, each with its own 7-member configuration
 * (nothing shared but the config object, as on a real node). The bound is generous; the
 * figure is printed for docs/benchmarks.md.
 */
class IdleFootprintTest {
    private static final int REPLICAS = 20_000;

    private static Configuration sevenMembers(int i) {
        List<Member> ms = new ArrayList<>();
        for (int m = 0; m < 7; m++) {
            ms.add(new Member(new NodeId(new String("node-" + ((i + m) % 97))), 0));
        }
        return new Configuration(ms);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long bytesPer(IntFunction<Replica> make) {
        List<Replica> hold = new ArrayList<>(REPLICAS);
        long before = usedHeap();
        for (int i = 0; i < REPLICAS; i++) {
            hold.add(make.apply(i));
        }
        long after = usedHeap();
        assertTrue(hold.size() == REPLICAS);
        return (after - before) / REPLICAS;
    }

    @Test
    void anIdleReplicaCostsAFewKilobytesAtMost() {
        ReplicaConfig cfg = ReplicaConfig.DEFAULT;
        bytesPer(i -> Replica.create(cfg, "warmup-" + i, Member.founding("node-0"), sevenMembers(i),
                ReplicaObserver.NONE));
        long fresh = bytesPer(i -> {
            Configuration c = sevenMembers(i);
            return Replica.create(cfg, "cell-" + i, c.members().get(0), c, ReplicaObserver.NONE);
        });
        System.out.printf("idle replica (fresh, 7 members): %d heap bytes each (%d replicas)%n", fresh, REPLICAS);
        assertTrue(fresh < 8192, "an idle replica should stay small, was " + fresh + " bytes");
    }
}
