package io.physalia.simworld.linearizability;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The definition, checked literally, for tiny histories: try every order of the operations in
 * which no operation comes before one that returned before it was invoked, optionally leaving
 * out indeterminate ones. Exponential; a reference for cross-checking the real checker.
 */
final class BruteForceLinearizability {
    private final KvModel model = new KvModel();
    private final List<Operation<KvOp, Long>> operations;

    BruteForceLinearizability(History<KvOp, Long> history) {
        this.operations = history.operations().stream()
                .filter(o -> o.outcome() != Operation.Outcome.FAILED)
                .toList();
    }

    boolean isLinearizable() {
        return search(new boolean[operations.size()], model.initial());
    }

    private boolean search(boolean[] placed, Map<String, Long> state) {
        boolean allCompletedPlaced = true;
        for (int i = 0; i < operations.size(); i++) {
            if (!placed[i] && operations.get(i).outcome() == Operation.Outcome.OK) {
                allCompletedPlaced = false;
            }
        }
        if (allCompletedPlaced) {
            return true;
        }
        for (int i = 0; i < operations.size(); i++) {
            if (placed[i] || !mayGoNext(i, placed)) {
                continue;
            }
            Operation<KvOp, Long> op = operations.get(i);
            Optional<Map<String, Long>> next = model.step(state, op.input(), op.output());
            if (next.isPresent()) {
                placed[i] = true;
                boolean found = search(placed, next.get());
                placed[i] = false;
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }

    /** No unplaced operation finished before this one started. */
    private boolean mayGoNext(int candidate, boolean[] placed) {
        for (int j = 0; j < operations.size(); j++) {
            if (!placed[j] && j != candidate && operations.get(j).precedes(operations.get(candidate))) {
                return false;
            }
        }
        return true;
    }
}
