package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the operator observed of a colony; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ColonyStatus {
    private Long observedGeneration;
    private List<Condition> conditions = new ArrayList<>();
    private CellCounts cells;
    private Map<String, Integer> cellsByColor = new LinkedHashMap<>();
    private RolloutStatus rollout;
    /** Actions started and not finished; a restarted operator resumes them. */
    private List<ActionRecord> actionsInFlight = new ArrayList<>();
    /** The most recent finished actions, newest first, a short window for `kubectl describe`. */
    private List<ActionRecord> lastActions = new ArrayList<>();
    private Boolean paused;
    private String pauseReason;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public CellCounts getCells() {
        return cells;
    }

    public void setCells(CellCounts cells) {
        this.cells = cells;
    }

    public Map<String, Integer> getCellsByColor() {
        return cellsByColor;
    }

    public void setCellsByColor(Map<String, Integer> cellsByColor) {
        this.cellsByColor = cellsByColor;
    }

    public RolloutStatus getRollout() {
        return rollout;
    }

    public void setRollout(RolloutStatus rollout) {
        this.rollout = rollout;
    }

    public List<ActionRecord> getActionsInFlight() {
        return actionsInFlight;
    }

    public void setActionsInFlight(List<ActionRecord> actionsInFlight) {
        this.actionsInFlight = actionsInFlight;
    }

    public List<ActionRecord> getLastActions() {
        return lastActions;
    }

    public void setLastActions(List<ActionRecord> lastActions) {
        this.lastActions = lastActions;
    }

    public Boolean getPaused() {
        return paused;
    }

    public void setPaused(Boolean paused) {
        this.paused = paused;
    }

    public String getPauseReason() {
        return pauseReason;
    }

    public void setPauseReason(String pauseReason) {
        this.pauseReason = pauseReason;
    }
}
