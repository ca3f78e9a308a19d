package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Cell.status; written only by the operator. Conditions: Placed, Ready, FullReplication. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellStatus {
    private Long observedGeneration;
    private CellPhase phase;
    /** The color the operator placed the cell in (spec.color, or its choice). */
    private String color;
    /** The row the cell's members sit in. */
    private String row;
    private List<CellMember> members = new ArrayList<>();
    /** Caught-up members over the cell's size, e.g. "7/7", for `kubectl get`. */
    private String membersReady;
    /** The node of the current leader, if one is known. */
    private String leader;
    private List<Condition> conditions = new ArrayList<>();
    /**
     * The membership change in flight, recorded before the operator touches a node, so that an
     * operator restarted mid-change resumes it; absent when the cell is at rest.
     */
    private ActionRecord action;
    /** Whether every founding member has hosted its replica (after that, members join by snapshot). */
    private Boolean hosted;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public CellPhase getPhase() {
        return phase;
    }

    public void setPhase(CellPhase phase) {
        this.phase = phase;
    }

    public String getColor() {
        return color;
    }

    public void setColor(String color) {
        this.color = color;
    }

    public String getRow() {
        return row;
    }

    public void setRow(String row) {
        this.row = row;
    }

    public List<CellMember> getMembers() {
        return members;
    }

    public void setMembers(List<CellMember> members) {
        this.members = members;
    }

    public String getMembersReady() {
        return membersReady;
    }

    public void setMembersReady(String membersReady) {
        this.membersReady = membersReady;
    }

    public String getLeader() {
        return leader;
    }

    public void setLeader(String leader) {
        this.leader = leader;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public ActionRecord getAction() {
        return action;
    }

    public void setAction(ActionRecord action) {
        this.action = action;
    }

    public Boolean getHosted() {
        return hosted;
    }

    public void setHosted(Boolean hosted) {
        this.hosted = hosted;
    }
}
