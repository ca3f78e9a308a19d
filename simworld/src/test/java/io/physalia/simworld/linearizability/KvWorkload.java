package io.physalia.simworld.linearizability;

import io.physalia.simworld.SimRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates histories from a map that really is atomic: each operation takes effect at one
 * random instant inside its interval, so the generated history is linearizable. Some
 * operations lose their response (indeterminate), having taken effect or not. Callers may then
 * corrupt an output to make a history that probably is not.
 */
final class KvWorkload {
    private record Planned(int process, KvOp input, long invokeMillis, long effectMillis, long returnMillis,
                           boolean responds, boolean takesEffect) {}

    private record Event(long timeMillis, int order, Planned op, boolean isInvoke) {}

    static History<KvOp, Long> generate(SimRandom random, int processes, int opsPerProcess, List<String> keys,
                                        double indeterminateChance, boolean corruptOneOutput) {
        List<Planned> planned = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            long t = 2 * random.between(0, 3);
            for (int i = 0; i < opsPerProcess; i++) {
                String key = random.pick(keys);
                KvOp input = switch (random.nextInt(3)) {
                    case 0 -> new KvOp.Put(key, random.between(1, 3));
                    case 1 -> new KvOp.Get(key);
                    default -> new KvOp.Increment(key, 1);
                };
                // Invocations and responses happen at even times, effects at odd times strictly
                // inside the interval, so an effect never ties with an invocation or response.
                long invoke = t;
                long halfSpan = random.between(1, 4);
                long ret = invoke + 2 * halfSpan;
                boolean responds = !random.chance(indeterminateChance);
                boolean takesEffect = responds || random.chance(0.5);
                // An indeterminate operation may take effect well after the client gave up on it.
                long effect = invoke + 1 + 2 * random.between(0, responds ? halfSpan - 1 : halfSpan + 10);
                planned.add(new Planned(p, input, invoke, effect, ret, responds, takesEffect));
                if (!responds) {
                    break; // a process that lost a response is abandoned, as a client would be after a crash
                }
                t = ret + 2 * random.between(0, 2);
            }
        }
        // Apply effects in effect-time order to compute real outputs.
        Map<Planned, Long> outputs = new HashMap<>();
        Map<String, Long> state = new HashMap<>();
        List<Planned> byEffect = new ArrayList<>(planned);
        byEffect.sort(Comparator.comparingLong(Planned::effectMillis));
        for (Planned op : byEffect) {
            if (!op.takesEffect()) {
                continue;
            }
            long current = state.getOrDefault(op.input().key(), 0L);
            long output = switch (op.input()) {
                case KvOp.Get g -> current;
                case KvOp.Put put -> put.value();
                case KvOp.Increment inc -> current + inc.by();
            };
            if (!(op.input() instanceof KvOp.Get)) {
                state.put(op.input().key(), output);
            }
            outputs.put(op, output);
        }
        if (corruptOneOutput) {
            List<Planned> responding = planned.stream().filter(Planned::responds).toList();
            if (!responding.isEmpty()) {
                Planned victim = random.pick(responding);
                outputs.put(victim, outputs.get(victim) + (random.chance(0.5) ? 1 : -1));
            }
        }
        // Record in real-time order; at equal times responses go first (the stricter order, and
        // consistent with the effects, which lie strictly inside each interval).
        List<Event> events = new ArrayList<>();
        int order = 0;
        for (Planned op : planned) {
            events.add(new Event(op.invokeMillis(), order++, op, true));
            if (op.responds()) {
                events.add(new Event(op.returnMillis(), order++, op, false));
            }
        }
        events.sort(Comparator.comparingLong(Event::timeMillis).thenComparing(Event::isInvoke).thenComparingInt(Event::order));
        History<KvOp, Long> history = new History<>();
        Map<Planned, Integer> ids = new HashMap<>();
        for (Event e : events) {
            if (e.isInvoke()) {
                ids.put(e.op(), history.invoke("p" + e.op().process(), e.op().input(), e.timeMillis()));
            } else {
                history.ok(ids.get(e.op()), outputs.get(e.op()), e.timeMillis());
            }
        }
        return history;
    }
}
