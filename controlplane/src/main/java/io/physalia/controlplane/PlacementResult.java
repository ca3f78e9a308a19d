package io.physalia.controlplane;

import java.util.List;

/** The answer to a {@link PlacementRequest}: where the cell went, or why it could not go anywhere. */
public sealed interface PlacementResult {
    /** The cell was placed on {@code members}, all in {@code row}, all of {@code color}. */
    record Placed(String cellId, String row, String color, List<String> members) implements PlacementResult {}

    /**
     * No placement satisfies the rules. {@code reasons} has one line per row and color tried,
     * nearest row first, each naming the rule that failed and where.
     */
    record Refused(String cellId, List<String> reasons) implements PlacementResult {
        public Refused {
            reasons = List.copyOf(reasons);
        }

        /** The first (nearest) reason, and how many more there are. */
        public String summary() {
            String first = reasons.isEmpty() ? "no reason recorded" : reasons.get(0);
            int more = reasons.size() - 1;
            return "cannot place cell " + cellId + ": " + first
                    + (more > 0 ? " (and " + more + " more row/color refusals)" : "");
        }
    }
}
