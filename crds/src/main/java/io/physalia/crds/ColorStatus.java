package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/** Color.status; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ColorStatus {
    private Long observedGeneration;
    @StatusReplicas
    private Integer replicas;
    private Integer readyReplicas;
    /** readyReplicas/replicas, e.g. "7/7", for `kubectl get`. */
    private String ready;
    /** The pods' label selector in string form, for the scale subresource (and so for HPA). */
    @LabelSelector
    private String selector;
    /** The version the color's nodes run, or "mixed" during a rollout. */
    private String version;
    private List<ColorNode> nodes = new ArrayList<>();
    private ColorPhase phase;
    private Boolean paused;
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public String getReady() {
        return ready;
    }

    public void setReady(String ready) {
        this.ready = ready;
    }

    public String getSelector() {
        return selector;
    }

    public void setSelector(String selector) {
        this.selector = selector;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public List<ColorNode> getNodes() {
        return nodes;
    }

    public void setNodes(List<ColorNode> nodes) {
        this.nodes = nodes;
    }

    public ColorPhase getPhase() {
        return phase;
    }

    public void setPhase(ColorPhase phase) {
        this.phase = phase;
    }

    public Boolean getPaused() {
        return paused;
    }

    public void setPaused(Boolean paused) {
        this.paused = paused;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
