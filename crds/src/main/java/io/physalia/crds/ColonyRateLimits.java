package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/**
 * Colony.spec.rateLimits: the token buckets that keep the control plane slower than the expected
 * rate of change. Mirrors {@code io.physalia.controlplane.RateLimits.Config(globalBurst,
 * globalRefillMillis, colorBurst, colorRefillMillis)}; the defaults are that record's
 * {@code defaults()} (this module does not depend on controlplane, so a test in the operator
 * should keep the two in step).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ColonyRateLimits {
    @Default("10")
    @Min(1)
    private Integer globalBurst;

    @Default("1000")
    @Min(1)
    private Long globalRefillMillis;

    @Default("4")
    @Min(1)
    private Integer colorBurst;

    @Default("3000")
    @Min(1)
    private Long colorRefillMillis;

    public Integer getGlobalBurst() {
        return globalBurst;
    }

    public void setGlobalBurst(Integer globalBurst) {
        this.globalBurst = globalBurst;
    }

    public Long getGlobalRefillMillis() {
        return globalRefillMillis;
    }

    public void setGlobalRefillMillis(Long globalRefillMillis) {
        this.globalRefillMillis = globalRefillMillis;
    }

    public Integer getColorBurst() {
        return colorBurst;
    }

    public void setColorBurst(Integer colorBurst) {
        this.colorBurst = colorBurst;
    }

    public Long getColorRefillMillis() {
        return colorRefillMillis;
    }

    public void setColorRefillMillis(Long colorRefillMillis) {
        this.colorRefillMillis = colorRefillMillis;
    }
}
