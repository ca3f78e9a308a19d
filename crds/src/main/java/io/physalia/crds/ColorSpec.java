package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** Color.spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ColorSpec {
    /** The Colony this color belongs to; fixed, since its nodes and cells are that colony's. */
    @Required
    @Size(min = 1)
    @ValidationRule(value = "self == oldSelf", message = "spec.colony is immutable")
    private String colony;

    /** The color name; fixed, since its cells may only ever use nodes of this color. */
    @Required
    @Pattern(Patterns.COLOR)
    @ValidationRule(value = "self == oldSelf", message = "spec.color is immutable")
    private String color;

    @Required
    @Min(0)
    @Max(1000)
    @SpecReplicas
    private Integer replicas;

    /** Overrides the Colony's spec.version for this color only (a canary, or a held-back color). */
    @Pattern(Patterns.VERSION)
    private String version;

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

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }
}
