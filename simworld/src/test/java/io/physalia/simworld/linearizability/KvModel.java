package io.physalia.simworld.linearizability;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A map from string keys to longs, absent reading as 0. Put returns the value written, get the
 * value read, increment the new value. States are immutable maps compared by content.
 */
final class KvModel implements Model<Map<String, Long>, KvOp, Long> {

    @Override
    public Map<String, Long> initial() {
        return Map.of();
    }

    @Override
    public Optional<Map<String, Long>> step(Map<String, Long> state, KvOp input, Long output) {
        long current = state.getOrDefault(input.key(), 0L);
        return switch (input) {
            case KvOp.Get get -> output == null || output == current ? Optional.of(state) : Optional.empty();
            case KvOp.Put put -> output == null || output == put.value() ? Optional.of(with(state, put.key(), put.value())) : Optional.empty();
            case KvOp.Increment inc -> {
                long next = current + inc.by();
                yield output == null || output == next ? Optional.of(with(state, inc.key(), next)) : Optional.empty();
            }
        };
    }

    private static Map<String, Long> with(Map<String, Long> state, String key, long value) {
        Map<String, Long> next = new HashMap<>(state);
        next.put(key, value);
        return Map.copyOf(next);
    }
}
