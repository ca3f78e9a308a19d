package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** Colony.status.rollout: where the current rollout stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {
    private String targetVersion;
    /** The color being rolled now; absent between colors. */
    private String color;
    private List<String> colorsDone = new ArrayList<>();
    private String phase;

    public String getTargetVersion() {
        return targetVersion;
    }

    public void setTargetVersion(String targetVersion) {
        this.targetVersion = targetVersion;
    }

    public String getColor() {
        return color;
    }

    public void setColor(String color) {
        this.color = color;
    }

    public List<String> getColorsDone() {
        return colorsDone;
    }

    public void setColorsDone(List<String> colorsDone) {
        this.colorsDone = colorsDone;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(String phase) {
        this.phase = phase;
    }
}
