package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Colony.spec.rollout: how a new version moves color by color, and when it stops by itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutPolicy {
    /** How long a rolled color must look healthy before the next color starts. */
    @Default("60")
    @Min(1)
    @Max(3600)
    private Integer validationWindowSeconds;

    /**
     * Allowed absolute rise of a rolled color's error rate over the colors not rolled yet, in
     * percent points; more halts the rollout.
     */
    @Default("1")
    @Min(0)
    @Max(100)
    private Integer maxErrorRatePercent;

    /** Allowed latency rise of a rolled color over the colors not rolled yet, in percent. */
    @Default("50")
    @Min(0)
    @Max(1000)
    private Integer maxLatencyRegressionPercent;

    @Default("0")
    @Min(0)
    @Max(86400)
    private Integer pauseBetweenColorsSeconds;

    /**
     * How long a restarted node may take to answer its health checks with every replica caught
     * up; a node that takes longer (it crash-loops, or never gets ready) halts the rollout.
     */
    @Default("300")
    @Min(5)
    @Max(3600)
    private Integer podReadyTimeoutSeconds;

    /** Requests a color must have served in the window for its error rate and latency to be compared. */
    @Default("100")
    @Min(1)
    @Max(1000000)
    private Integer minRequestsToCompare;

    public Integer getValidationWindowSeconds() {
        return validationWindowSeconds;
    }

    public void setValidationWindowSeconds(Integer validationWindowSeconds) {
        this.validationWindowSeconds = validationWindowSeconds;
    }

    public Integer getMaxErrorRatePercent() {
        return maxErrorRatePercent;
    }

    public void setMaxErrorRatePercent(Integer maxErrorRatePercent) {
        this.maxErrorRatePercent = maxErrorRatePercent;
    }

    public Integer getMaxLatencyRegressionPercent() {
        return maxLatencyRegressionPercent;
    }

    public void setMaxLatencyRegressionPercent(Integer maxLatencyRegressionPercent) {
        this.maxLatencyRegressionPercent = maxLatencyRegressionPercent;
    }

    public Integer getPauseBetweenColorsSeconds() {
        return pauseBetweenColorsSeconds;
    }

    public void setPauseBetweenColorsSeconds(Integer pauseBetweenColorsSeconds) {
        this.pauseBetweenColorsSeconds = pauseBetweenColorsSeconds;
    }

    public Integer getPodReadyTimeoutSeconds() {
        return podReadyTimeoutSeconds;
    }

    public void setPodReadyTimeoutSeconds(Integer podReadyTimeoutSeconds) {
        this.podReadyTimeoutSeconds = podReadyTimeoutSeconds;
    }

    public Integer getMinRequestsToCompare() {
        return minRequestsToCompare;
    }

    public void setMinRequestsToCompare(Integer minRequestsToCompare) {
        this.minRequestsToCompare = minRequestsToCompare;
    }
}
