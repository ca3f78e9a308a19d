package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.physalia.core.cell.CellLimits;

/** Colony.spec.cellDefaults: what a Cell gets when it does not say. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CellDefaults {
    /** Replicas of a cell; odd, so that a majority survives the loss of the minority. */
    @Default("7")
    @Min(CellLimits.MIN_PLACED_MEMBERS)
    @Max(CellLimits.MAX_MEMBERS)
    @ValidationRule(value = "self % 2 == 1", message = "spec.cellDefaults.size must be odd (" + CellLimits.MIN_PLACED_MEMBERS + ", "
            + (CellLimits.MIN_PLACED_MEMBERS + 2) + ", ... " + CellLimits.MAX_MEMBERS + ")")
    private Integer size;

    /** Cells one node may hold. */
    @Default("1000")
    @Min(1)
    @Max(1_000_000)
    private Integer capacityPerNode;

    public Integer getSize() {
        return size;
    }

    public void setSize(Integer size) {
        this.size = size;
    }

    public Integer getCapacityPerNode() {
        return capacityPerNode;
    }

    public void setCapacityPerNode(Integer capacityPerNode) {
        this.capacityPerNode = capacityPerNode;
    }
}
