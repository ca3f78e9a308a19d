package io.physalia.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Status conditions in the metav1.Condition shape: setting one keeps its lastTransitionTime
 * unless its status changed, and stamps the generation it describes.
 */
public final class Conditions {
    public static final String TRUE = "True";
    public static final String FALSE = "False";

    private Conditions() {}

    /** Sets condition {@code type} in {@code conditions} (a mutable list). */
    public static void set(List<Condition> conditions, String type, boolean status, String reason, String message, Long generation) {
        set(conditions, type, status ? TRUE : FALSE, reason, message, generation);
    }

    public static void set(List<Condition> conditions, String type, String status, String reason, String message, Long generation) {
        Optional<Condition> old = find(conditions, type);
        String since = old.isPresent() && status.equals(old.get().getStatus()) && old.get().getLastTransitionTime() != null
                ? old.get().getLastTransitionTime()
                : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        // the API server limits a condition's message to 32768 characters
        String bounded = message.length() > 4000 ? message.substring(0, 4000) + "..." : message;
        Condition c = new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(bounded)
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
        conditions.removeIf(x -> type.equals(x.getType()));
        conditions.add(c);
        conditions.sort(java.util.Comparator.comparing(Condition::getType));
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
    }
}
