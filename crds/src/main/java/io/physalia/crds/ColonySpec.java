package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What the user asks of a colony. Optional fields are boxed and null when absent (the server fills defaults). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ColonySpec {
    @Required
    @Size(min = 1)
    private String image;

    @Required
    @Pattern(Patterns.VERSION)
    private String version;

    @Required
    @Size(min = 1, max = 16)
    @ValidationRule(value = "self.all(c, self.exists_one(d, d == c))", message = "spec.colors must not list a color twice")
    private List<@Pattern(Patterns.COLOR) @Size(max = Patterns.COLOR_MAX_LENGTH) String> colors;

    @Default("7")
    @Min(3)
    @Max(1000)
    private Integer nodesPerColor;

    // "{}" makes the server create the object when it is absent, so its own field defaults apply.
    @Default("{}")
    private CellDefaults cellDefaults;

    @Default("{}")
    private ColonyRateLimits rateLimits;

    @Default("{}")
    private RolloutPolicy rollout;

    /** The big red button: when true the operator starts no action. */
    @Default("false")
    private Boolean paused;

    @Size(max = 1024)
    private String pauseReason;

    /**
     * Kubernetes node labels a node pod's node must carry (a pool of machines kept for the
     * colony); absent: any node with topology labels.
     */
    @Size(max = 16)
    private java.util.Map<String, String> nodeSelector;

    /**
     * Settings every node of the colony reads from its config file (the ConfigMap
     * {@code <colony>-node-settings}), named as the node's flags without {@code --}: only those the
     * operator does not set itself. A change reaches a node when it next starts.
     */
    @Size(max = 8)
    @ValidationRule(value = "self.all(k, k in ['log-segment-bytes', 'checkpoint-log-bytes'])",
            message = "spec.nodeSettings may set only log-segment-bytes and checkpoint-log-bytes; the operator sets every other node setting")
    private java.util.Map<String, @Pattern(Patterns.BYTE_COUNT) String> nodeSettings;

    public java.util.Map<String, String> getNodeSettings() {
        return nodeSettings;
    }

    public void setNodeSettings(java.util.Map<String, String> nodeSettings) {
        this.nodeSettings = nodeSettings;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public List<String> getColors() {
        return colors;
    }

    public void setColors(List<String> colors) {
        this.colors = colors;
    }

    public Integer getNodesPerColor() {
        return nodesPerColor;
    }

    public void setNodesPerColor(Integer nodesPerColor) {
        this.nodesPerColor = nodesPerColor;
    }

    public CellDefaults getCellDefaults() {
        return cellDefaults;
    }

    public void setCellDefaults(CellDefaults cellDefaults) {
        this.cellDefaults = cellDefaults;
    }

    public ColonyRateLimits getRateLimits() {
        return rateLimits;
    }

    public void setRateLimits(ColonyRateLimits rateLimits) {
        this.rateLimits = rateLimits;
    }

    public RolloutPolicy getRollout() {
        return rollout;
    }

    public void setRollout(RolloutPolicy rollout) {
        this.rollout = rollout;
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

    public java.util.Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(java.util.Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }
}
