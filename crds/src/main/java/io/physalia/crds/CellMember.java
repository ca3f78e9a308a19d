package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One replica of a cell, as listed in Cell.status.members. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellMember {
    /** The Physalia node holding the replica: its pod's name. */
    private String node;
    private String rack;
    private String power;
    /** The member's incarnation: rises each time the node rejoins the cell with fresh state. */
    private Long incarnation;
    private Boolean caughtUp;

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getRack() {
        return rack;
    }

    public void setRack(String rack) {
        this.rack = rack;
    }

    public String getPower() {
        return power;
    }

    public void setPower(String power) {
        this.power = power;
    }

    public Long getIncarnation() {
        return incarnation;
    }

    public void setIncarnation(Long incarnation) {
        this.incarnation = incarnation;
    }

    public Boolean getCaughtUp() {
        return caughtUp;
    }

    public void setCaughtUp(Boolean caughtUp) {
        this.caughtUp = caughtUp;
    }
}
