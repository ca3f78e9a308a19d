package io.physalia.simworld.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.physalia.simworld.SimSeeds;
import org.junit.jupiter.api.Test;

/**
 * The randomized swarm. CI runs {@code simworld.seeds} seeds (2,000 by default, seeds 0..1999);
 * {@code -Dsimworld.seeds=N} runs more and {@code -Dsimworld.seed=S} replays one
 * ({@code -Dsimworld.trace=true} prints its messages).
 */
class SwarmTest {

    /** Liveness after healing means writes too: every client writes a key of its own and reads it back. */
    @Test
    void afterTheFaultsEveryClientWritesAndReadsItsWriteBack() {
        for (long seed = 0; seed < 20; seed++) {
            Swarm.Outcome o = Swarm.run(seed);
            assertEquals(2L * o.clients(), o.afterHealing(), "seed " + seed + ": operations completed after healing");
        }
    }

    @Test
    void swarm() {
        long[] seeds = SimSeeds.fromSystemProperties(2000);
        boolean trace = Boolean.getBoolean("simworld.trace");
        if (seeds.length == 1) {
            System.out.println("swarm replay: " + Swarm.run(seeds[0], trace));
            return;
        }
        long start = System.nanoTime();
        long events = 0;
        long ops = 0;
        for (int i = 0; i < seeds.length; i++) {
            Swarm.Outcome o = Swarm.run(seeds[i]);
            events += o.events();
            ops += o.completed();
            if ((i + 1) % 250 == 0) {
                System.out.printf("swarm: %d/%d seeds, %d events, %d ops so far%n", i + 1, seeds.length, events, ops);
            }
        }
        System.out.printf("swarm: %d seeds passed in %.1f s (%d events, %d client ops)%n", seeds.length,
                (System.nanoTime() - start) / 1e9, events, ops);
    }
}
