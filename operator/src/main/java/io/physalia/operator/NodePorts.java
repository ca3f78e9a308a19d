package io.physalia.operator;

/** The ports every node pod listens on (the same for every pod: each has its own IP). */
public final class NodePorts {
    /** Clients, health probes, metrics and the admin API. */
    public static final int HTTP = 7400;
    /** Other nodes (HMAC-authenticated frames). */
    public static final int PEER = 7600;

    private NodePorts() {}

    public static String http(String podIp) {
        return podIp + ":" + HTTP;
    }

    public static String peer(String podIp) {
        return podIp + ":" + PEER;
    }
}
