package io.physalia.crds;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Colony.status.rollout.restarting: the one node pod a rollout restarts now. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestartingPod {
    private String pod;
    /** The uid of the pod to delete: a pod of the same name with another uid is its replacement. */
    private String uid;
    /** When the restart was recorded (RFC 3339); the ready timeout counts from here. */
    private String since;

    public RestartingPod() {}

    public RestartingPod(String pod, String uid, String since) {
        this.pod = pod;
        this.uid = uid;
        this.since = since;
    }

    public String getPod() {
        return pod;
    }

    public void setPod(String pod) {
        this.pod = pod;
    }

    public String getUid() {
        return uid;
    }

    public void setUid(String uid) {
        this.uid = uid;
    }

    public String getSince() {
        return since;
    }

    public void setSince(String since) {
        this.since = since;
    }
}
