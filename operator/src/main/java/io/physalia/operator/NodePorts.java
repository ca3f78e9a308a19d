package io.physalia.operator;

/** The ports every node pod listens on (the same for every pod: each has its own IP). */
public final class NodePorts {
    /** Clients, health probes and metrics. */
    public static final int HTTP = 7400;
    /**
     * The admin API ({@code /admin/*}) on a port of its own ({@code --admin-port}), so the
     * NetworkPolicy can open it to the operator and the color's nodes only; health and metrics too.
     */
    public static final int ADMIN = 7401;
    /** Other nodes (HMAC-authenticated frames). */
    public static final int PEER = 7600;

    private NodePorts() {}

    public static String http(String podIp) {
        return podIp + ":" + HTTP;
    }

    public static String admin(String podIp) {
        return podIp + ":" + ADMIN;
    }

    /**
     * Where a node pod serves its admin API: the port its own args give with {@code --admin-port},
     * or its HTTP port for a pod started before the admin API had a port of its own (until a
     * rollout replaces it, the operator still reaches it).
     */
    public static String adminAddress(io.fabric8.kubernetes.api.model.Pod pod, String podIp) {
        var containers = pod.getSpec() == null ? null : pod.getSpec().getContainers();
        java.util.List<String> args = containers == null || containers.isEmpty() ? null : containers.get(0).getArgs();
        int at = args == null ? -1 : args.indexOf("--admin-port");
        if (at >= 0 && at + 1 < args.size()) {
            try {
                return podIp + ":" + Integer.parseInt(args.get(at + 1));
            } catch (NumberFormatException e) {
                // not a port: the node refuses to start with it anyway
            }
        }
        return http(podIp);
    }

    public static String peer(String podIp) {
        return podIp + ":" + PEER;
    }
}
