package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Colony.status.rollout: where the current rollout stands. Written by the operator before it
 * acts (a pod is recorded in {@code restarting} one reconcile before it is deleted), so an
 * operator that restarts mid-rollout resumes from here without repeating or skipping a step.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStatus {
    /** The version the rollout moves the colony to (the Colony's spec.version when it started). */
    private String targetVersion;
    /** The color being rolled now; absent between colors and when done. */
    private String color;
    private List<String> colorsDone = new ArrayList<>();
    /** Idle, RollingOut, Validating, Waiting (between colors), Halted or Complete. */
    private String phase;
    /** The version each color's StatefulSet carries now: what its restarted pods come back with. */
    private Map<String, String> versions = new TreeMap<>();
    /** The pod restarted now (recorded before it is deleted). */
    private RestartingPod restarting;
    /** When the current color's validation window started (RFC 3339). */
    private String validationStartedAt;
    /** When the last color finished (RFC 3339), for the pause between colors. */
    private String colorDoneAt;
    /** The color the rollout halted in, and why. */
    private String haltedColor;
    private String haltReason;
    /** One line on what the rollout does or waits for now. */
    private String message;

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

    public Map<String, String> getVersions() {
        return versions;
    }

    public void setVersions(Map<String, String> versions) {
        this.versions = versions;
    }

    public RestartingPod getRestarting() {
        return restarting;
    }

    public void setRestarting(RestartingPod restarting) {
        this.restarting = restarting;
    }

    public String getValidationStartedAt() {
        return validationStartedAt;
    }

    public void setValidationStartedAt(String validationStartedAt) {
        this.validationStartedAt = validationStartedAt;
    }

    public String getColorDoneAt() {
        return colorDoneAt;
    }

    public void setColorDoneAt(String colorDoneAt) {
        this.colorDoneAt = colorDoneAt;
    }

    public String getHaltedColor() {
        return haltedColor;
    }

    public void setHaltedColor(String haltedColor) {
        this.haltedColor = haltedColor;
    }

    public String getHaltReason() {
        return haltReason;
    }

    public void setHaltReason(String haltReason) {
        this.haltReason = haltReason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }
}
