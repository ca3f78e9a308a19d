package io.physalia.topology;

import java.util.List;
import java.util.stream.Collectors;

/** Topology input was missing, malformed or contradictory; {@link #problems()} lists every fault found. */
public class TopologyException extends RuntimeException {
    private final List<Problem> problems;

    public TopologyException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
