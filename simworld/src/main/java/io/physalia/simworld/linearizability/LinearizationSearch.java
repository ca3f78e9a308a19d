package io.physalia.simworld.linearizability;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Searches for a linearization of one (sub-)history: Wing and Gong's backtracking search over
 * the operations that could go next, with Lowe's memoization of (operations linearized, model
 * state) pairs already explored, so the search never re-explores a configuration it has seen.
 *
 * <p>The history is a linked list of call and return entries in real-time order. An operation
 * can be linearized next if its call comes before the first return still in the list (it was
 * invoked before any remaining operation returned). Linearizing it removes both its entries and
 * restarts from the front; meeting a return entry means that operation should already have
 * been linearized, so the last choice is undone and the next candidate after it is tried.
 * Indeterminate operations return "at infinity": their return entries sit past every other,
 * and the search succeeds once every completed operation is linearized, leaving any
 * indeterminate ones out (they never took effect).
 */
final class LinearizationSearch<S, I, O> {
    private final Model<S, I, O> model;
    private final List<Operation<I, O>> operations;
    private final long maxStatesExplored;

    private final Entry head = new Entry(-1, true, Long.MIN_VALUE);
    private final BitSet linearized = new BitSet();
    private final Set<Explored> explored = new HashSet<>();
    private final List<Choice<S>> choices = new ArrayList<>();
    private long statesExplored;
    private List<Integer> deepestPrefix = List.of();
    private int deadEndOperation = -1;

    LinearizationSearch(Model<S, I, O> model, List<Operation<I, O>> operations, long maxStatesExplored) {
        this.model = model;
        this.operations = operations;
        this.maxStatesExplored = maxStatesExplored;
    }

    CheckResult<I, O> run(Object partitionKey) {
        int completedLeft = linkEntries();
        S state = model.initial();
        Entry cursor = head.next;
        while (completedLeft > 0) {
            if (cursor.isCall) {
                if (statesExplored >= maxStatesExplored) {
                    return inconclusive(partitionKey);
                }
                statesExplored++;
                Operation<I, O> operation = operations.get(cursor.operation);
                Optional<S> next = model.step(state, operation.input(), operation.output());
                if (next.isPresent() && firstVisit(cursor.operation, next.get())) {
                    choices.add(new Choice<>(cursor, state));
                    state = next.get();
                    cursor.lift();
                    if (isCompleted(cursor.operation)) {
                        completedLeft--;
                    }
                    cursor = head.next;
                } else {
                    cursor = cursor.next;
                }
            } else {
                noteDeadEnd(cursor.operation);
                if (choices.isEmpty()) {
                    return notLinearizable(partitionKey);
                }
                Choice<S> undone = choices.removeLast();
                state = undone.stateBefore;
                linearized.clear(undone.call.operation);
                undone.call.unlift();
                if (isCompleted(undone.call.operation)) {
                    completedLeft++;
                }
                cursor = undone.call.next;
            }
        }
        return new CheckResult<>(CheckResult.Verdict.LINEARIZABLE, "linearizable", statesExplored, List.of(), null, partitionKey);
    }

    /** Marks the operation linearized if (operations linearized, state) is new; otherwise leaves it unmarked. */
    private boolean firstVisit(int operation, S stateAfter) {
        linearized.set(operation);
        if (explored.add(new Explored((BitSet) linearized.clone(), stateAfter))) {
            return true;
        }
        linearized.clear(operation);
        return false;
    }

    /** Builds the call/return list in real-time order; returns how many operations must be linearized. */
    private int linkEntries() {
        List<Entry> entries = new ArrayList<>(2 * operations.size());
        int completed = 0;
        for (int i = 0; i < operations.size(); i++) {
            Operation<I, O> operation = operations.get(i);
            Entry call = new Entry(i, true, operation.invokePosition());
            Entry ret = new Entry(i, false, operation.returnPosition());
            call.match = ret;
            entries.add(call);
            entries.add(ret);
            if (isCompleted(i)) {
                completed++;
            }
        }
        // Stable sort: the returns of indeterminate operations all sit at Long.MAX_VALUE, in operation order.
        entries.sort(Comparator.comparingLong(e -> e.position));
        Entry previous = head;
        for (Entry entry : entries) {
            previous.next = entry;
            entry.prev = previous;
            previous = entry;
        }
        return completed;
    }

    private boolean isCompleted(int operation) {
        return operations.get(operation).outcome() == Operation.Outcome.OK;
    }

    private void noteDeadEnd(int operation) {
        if (choices.size() > deepestPrefix.size() || deadEndOperation < 0) {
            deepestPrefix = choices.stream().map(c -> c.call.operation).toList();
            deadEndOperation = operation;
        }
    }

    private CheckResult<I, O> notLinearizable(Object partitionKey) {
        List<Operation<I, O>> prefix = deepestPrefix.stream().map(operations::get).toList();
        Operation<I, O> stuck = operations.get(deadEndOperation);
        StringBuilder why = new StringBuilder("not linearizable");
        if (partitionKey != LinearizabilityChecker.WHOLE_HISTORY) {
            why.append(" (partition ").append(partitionKey).append(')');
        }
        why.append(": no order of the operations places ").append(describe(stuck))
                .append(" before it returned; the longest linearizable prefix has ").append(prefix.size())
                .append(" operation(s)");
        int shown = Math.min(prefix.size(), 8);
        if (shown > 0) {
            why.append(shown < prefix.size() ? ", ending: " : ": ");
            for (int i = prefix.size() - shown; i < prefix.size(); i++) {
                why.append(describe(prefix.get(i))).append(i + 1 < prefix.size() ? "; " : "");
            }
        }
        return new CheckResult<>(CheckResult.Verdict.NOT_LINEARIZABLE, why.toString(), statesExplored, prefix, stuck, partitionKey);
    }

    private CheckResult<I, O> inconclusive(Object partitionKey) {
        String where = partitionKey == LinearizabilityChecker.WHOLE_HISTORY ? "" : " in partition " + partitionKey;
        return new CheckResult<>(CheckResult.Verdict.INCONCLUSIVE,
                "explored " + statesExplored + " states" + where + " without a verdict (the bound)",
                statesExplored, List.of(), null, partitionKey);
    }

    private String describe(Operation<I, O> operation) {
        String times = operation.outcome() == Operation.Outcome.INDETERMINATE
                ? "invoked " + operation.invokeMillis() + "ms, no response"
                : operation.invokeMillis() + "-" + operation.returnMillis() + "ms";
        return "#" + operation.id() + " " + operation.process() + " " + model.describe(operation.input(), operation.output())
                + " [" + times + "]";
    }

    /** A configuration already explored: which operations are linearized and the state they led to. */
    private record Explored(BitSet linearized, Object state) {}

    private record Choice<S>(Entry call, S stateBefore) {}

    /** A call or return in the doubly linked list; lifting unlinks a call and its return, unlifting relinks them. */
    private static final class Entry {
        final int operation;
        final boolean isCall;
        final long position;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int operation, boolean isCall, long position) {
            this.operation = operation;
            this.isCall = isCall;
            this.position = position;
        }

        /** Unlinks this call and its return. Each entry keeps its own links, so undoing in reverse order restores the list. */
        void lift() {
            unlink(this);
            unlink(match);
        }

        void unlift() {
            relink(match);
            relink(this);
        }

        private static void unlink(Entry entry) {
            entry.prev.next = entry.next;
            if (entry.next != null) {
                entry.next.prev = entry.prev;
            }
        }

        private static void relink(Entry entry) {
            entry.prev.next = entry;
            if (entry.next != null) {
                entry.next.prev = entry;
            }
        }
    }
}
