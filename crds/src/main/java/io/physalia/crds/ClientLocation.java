package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Cell.spec.clientLocations[]: a place a cell's clients run, in the node label scheme's terms
 * (the values of topology.kubernetes.io/zone, physalia.io/row and physalia.io/rack).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClientLocation {
    @Pattern(Patterns.LABEL_VALUE)
    private String zone;

    @Pattern(Patterns.LABEL_VALUE)
    private String row;

    /** Required: a rack is the finest location the topology knows, and the one every node has. */
    @Required
    @Pattern(Patterns.LABEL_VALUE)
    private String rack;

    public String getZone() {
        return zone;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }

    public String getRow() {
        return row;
    }

    public void setRow(String row) {
        this.row = row;
    }

    public String getRack() {
        return rack;
    }

    public void setRack(String rack) {
        this.rack = rack;
    }
}
