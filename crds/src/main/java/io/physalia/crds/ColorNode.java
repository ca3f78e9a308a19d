package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One node of a color, as listed in Color.status.nodes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ColorNode {
    /** The Physalia node: its pod's name. */
    private String name;
    private String version;
    private Boolean ready;
    /** The Kubernetes Node the pod runs on. */
    private String node;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public Boolean getReady() {
        return ready;
    }

    public void setReady(Boolean ready) {
        this.ready = ready;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }
}
