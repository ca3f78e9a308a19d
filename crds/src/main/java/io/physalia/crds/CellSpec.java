package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.physalia.core.cell.CellLimits;
import java.util.ArrayList;
import java.util.List;

/**
 * Cell.spec. Every field is optional: an empty spec gets the namespace's only Colony, a color
 * chosen by the operator and the Colony's default size.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// A transition rule on the spec rather than on the field: a rule on spec.color itself runs only when
// the field exists on both sides, so it could not stop a color from being removed.
@ValidationRule(value = "!has(oldSelf.color) || (has(self.color) && self.color == oldSelf.color)",
        message = "spec.color is immutable once set")
public class CellSpec {
    /** The Colony; the operator picks the namespace's only Colony when absent. */
    @Size(min = 1)
    private String colony;

    /** The color; chosen by the operator when absent, then fixed: a cell never spans colors. */
    @Pattern(Patterns.COLOR)
    private String color;

    /** Replicas; absent means the Colony's cellDefaults.size (kept absent, so a later default change applies). */
    @Min(CellLimits.MIN_PLACED_MEMBERS)
    @Max(CellLimits.MAX_MEMBERS)
    @ValidationRule(value = "self % 2 == 1", message = "spec.size must be odd (" + CellLimits.MIN_PLACED_MEMBERS + ", "
            + (CellLimits.MIN_PLACED_MEMBERS + 2) + ", ... " + CellLimits.MAX_MEMBERS + ")")
    private Integer size;

    /** Where the cell's clients are: placement puts the cell in their row, or the nearest one. */
    @Size(max = 16)
    private List<ClientLocation> clientLocations = new ArrayList<>();

    public String getColony() {
        return colony;
    }

    public void setColony(String colony) {
        this.colony = colony;
    }

    public String getColor() {
        return color;
    }

    public void setColor(String color) {
        this.color = color;
    }

    public Integer getSize() {
        return size;
    }

    public void setSize(Integer size) {
        this.size = size;
    }

    public List<ClientLocation> getClientLocations() {
        return clientLocations;
    }

    public void setClientLocations(List<ClientLocation> clientLocations) {
        this.clientLocations = clientLocations;
    }
}
