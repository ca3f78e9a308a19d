package io.physalia.simworld.cell;

import org.junit.jupiter.api.Test;

/**
 * The randomized swarm. CI runs {@code simworld.seeds} seeds (2,000 by default);
 * {@code -Dsimworld.seeds=N} runs more and {@code -Dsimworld.seed=S} replays one.
 */
class SwarmTest {

    @Test
    void swarm() {
        String one = System.getProperty("simworld.seed", "");
        if (!one.isBlank()) {
            Swarm.Outcome o = Swarm.run(Long.parseLong(one.trim()), Boolean.getBoolean("simworld.trace"));
            System.out.println("swarm replay: " + o);
            return;
        }
        int seeds = Integer.getInteger("simworld.seeds", 2000);
        long start = System.nanoTime();
        long events = 0;
        long ops = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            Swarm.Outcome o = Swarm.run(seed);
            events += o.events();
            ops += o.completed();
            if (seed % 250 == 0) {
                System.out.printf("swarm: %d/%d seeds, %d events, %d ops so far%n", seed, seeds, events, ops);
            }
        }
        System.out.printf("swarm: %d seeds passed in %.1f s (%d events, %d client ops)%n", seeds,
                (System.nanoTime() - start) / 1e9, events, ops);
    }
}
