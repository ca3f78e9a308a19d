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
    /**
     * The node's own rule on its storage sizes (StorageOptions), checked at admission so that a
     * bad pair is refused here instead of crash-looping every node at its next restart. Sizes are
     * compared as doubles: a 12-digit count in GiB does not fit a CEL int. (CRD rules have no
     * {@code cel.bind}, so each size is spelled out where it is used.)
     */
    static final String NODE_SETTINGS_SIZES = "!self.all(k, self[k].matches('^[0-9]{1,12}[kmgKMG]?$')) || ("
            + Sizes.SEGMENT + " >= 4096.0 && " + Sizes.SEGMENT + " <= 1073741824.0 && "
            + Sizes.CHECKPOINT + " >= " + Sizes.SEGMENT + " && " + Sizes.CHECKPOINT + " <= 68719476736.0)";

    /** CEL for the two sizes in bytes, the node's defaults where unset. */
    private static final class Sizes {
        static final String SEGMENT_TEXT = "('log-segment-bytes' in self ? self['log-segment-bytes'].lowerAscii() : '32m')";
        static final String CHECKPOINT_TEXT = "('checkpoint-log-bytes' in self ? self['checkpoint-log-bytes'].lowerAscii() : '128m')";
        static final String SEGMENT = "(double(int(" + SEGMENT_TEXT + ".replace('k', '').replace('m', '').replace('g', ''))) * ("
                + SEGMENT_TEXT + ".endsWith('g') ? 1073741824.0 : " + SEGMENT_TEXT + ".endsWith('m') ? 1048576.0 : "
                + SEGMENT_TEXT + ".endsWith('k') ? 1024.0 : 1.0))";
        static final String CHECKPOINT = "(double(int(" + CHECKPOINT_TEXT + ".replace('k', '').replace('m', '').replace('g', ''))) * ("
                + CHECKPOINT_TEXT + ".endsWith('g') ? 1073741824.0 : " + CHECKPOINT_TEXT + ".endsWith('m') ? 1048576.0 : "
                + CHECKPOINT_TEXT + ".endsWith('k') ? 1024.0 : 1.0))";
    }

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
    @ValidationRule(value = NODE_SETTINGS_SIZES, message = "spec.nodeSettings: log-segment-bytes must be from 4k to 1g, and"
            + " checkpoint-log-bytes at least log-segment-bytes and at most 64g (unset, they are 32m and 128m), as the node requires")
    private java.util.Map<String, @Pattern(Patterns.BYTE_COUNT) @Size(max = 13) String> nodeSettings;

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
